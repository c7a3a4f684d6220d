/**
 * The local busybox image tests run real containers from. Built once per content (idempotent, and
 * safe when test processes race: see ensureBusyboxImage); never pulled, since no registry is reachable.
 */
import Docker from 'dockerode';
import { BUSYBOX_IMAGE, ensureBusyboxImage } from '../../src/agent/runtime/busybox-image.js';

export const TEST_IMAGE = BUSYBOX_IMAGE;

let once: Promise<string> | undefined;

export function ensureTestImage(): Promise<string> {
  once ??= ensureBusyboxImage(new Docker({ socketPath: process.env.BERTH_DOCKER_SOCKET ?? '/var/run/docker.sock' }));
  return once;
}
