/**
 * A tiny local image built from the host's static busybox, so tests and the `berth up` demo run real
 * containers with no registry: `docker import` of a rootfs tarball holding /bin/busybox, its applet
 * links, httpd content in /www and two CGIs that tell containers apart.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type Docker from 'dockerode';
import { tarArchive, type TarEntry } from './tar-archive.js';

export const BUSYBOX_IMAGE = 'berth-test/busybox:latest';
/** Bumped, with the content hash, whenever what goes into the image changes. */
const CONTENT_LABEL = 'com.berth.busybox-image';

const APPLETS = [
  'sh',
  'ash',
  'httpd',
  'hostname',
  'echo',
  'cat',
  'sleep',
  'wget',
  'env',
  'ls',
  'kill',
  'true',
  'false',
  'printf',
  'nc',
  'ps',
  'id',
  'sed',
  'grep',
  'test',
  '[',
  'date',
  'mkdir',
  'rm',
  'touch',
  'uname',
  'pwd',
  'head',
  'tail',
  'wc',
  'seq',
  'yes',
  'top',
  'free',
  'df',
  'mount',
  'ip',
  'ifconfig',
  'netstat',
  'tr',
  'cut',
  'timeout',
  'xargs',
  'expr',
  'awk',
  'vi',
  'nslookup',
  'ping',
];

// CGI headers end in CRLF: strict HTTP clients (undici) reject bare LF.
// Tells containers apart: which container answered, and what its environment says.
const WHOAMI_CGI = `#!/bin/sh
printf 'Content-Type: application/json\r\n\r\n'
echo "{\\"host\\":\\"$(hostname)\\",\\"pid\\":$$,\\"version\\":\\"$APP_VERSION\\"}"
`;
const ENV_CGI = `#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'
env
`;
// PID 1 gets no default signal handlers, so a bare `httpd` ignores SIGTERM and every stop waited out
// the stop timeout and ended in SIGKILL (exit 137). A shell that traps TERM makes a stop take milliseconds.
const SERVE = `#!/bin/sh
httpd -f -v -p 80 -h /www &
child=$!
trap 'kill -TERM $child 2>/dev/null; wait $child; exit 0' TERM INT
wait $child
`;
const INDEX_HTML = '<!doctype html><title>berth</title><p>Hello from a Berth busybox container.</p>\n';

const IMAGE_CHANGES = ['ENV PATH=/bin', 'WORKDIR /', 'EXPOSE 80/tcp', 'CMD ["/bin/serve"]'];

/** The rootfs entries, pure: given the busybox binary's bytes. */
export function busyboxRootfs(busybox: Buffer): TarEntry[] {
  const dirs = ['bin', 'etc', 'tmp', 'www', 'www/cgi-bin'];
  const entries: TarEntry[] = dirs.map((d) => ({ type: 'dir', path: d, mode: d === 'tmp' ? 0o1777 : 0o755 }));
  entries.push({ type: 'file', path: 'bin/busybox', mode: 0o755, data: busybox });
  entries.push({ type: 'file', path: 'bin/serve', mode: 0o755, data: Buffer.from(SERVE) });
  for (const a of APPLETS) entries.push({ type: 'symlink', path: `bin/${a}`, target: 'busybox' });
  entries.push(
    { type: 'file', path: 'etc/passwd', mode: 0o644, data: Buffer.from('root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n') },
    { type: 'file', path: 'etc/group', mode: 0o644, data: Buffer.from('root:x:0:\nnogroup:x:65534:\n') },
    { type: 'file', path: 'www/index.html', mode: 0o644, data: Buffer.from(INDEX_HTML) },
    { type: 'file', path: 'www/health', mode: 0o644, data: Buffer.from('ok\n') },
    { type: 'file', path: 'www/cgi-bin/whoami', mode: 0o755, data: Buffer.from(WHOAMI_CGI) },
    { type: 'file', path: 'www/cgi-bin/env', mode: 0o755, data: Buffer.from(ENV_CGI) },
  );
  return entries;
}

/** The rootfs tarball and a hash of everything that shapes the image. */
export function busyboxImageTar(busybox: Buffer): { tar: Buffer; contentHash: string } {
  const tar = tarArchive(busyboxRootfs(busybox));
  const contentHash = createHash('sha256').update(tar).update(IMAGE_CHANGES.join('\n')).digest('hex').slice(0, 16);
  return { tar, contentHash };
}

/**
 * Imports the image unless an image of that name with the same content already exists. Safe when
 * several processes race: each import tags atomically and all produce the same content.
 */
export async function ensureBusyboxImage(docker: Docker, options: { name?: string; busyboxPath?: string } = {}): Promise<string> {
  const name = options.name ?? BUSYBOX_IMAGE;
  const busybox = await readFile(options.busyboxPath ?? '/bin/busybox');
  const { tar, contentHash } = busyboxImageTar(busybox);
  const existing = await docker
    .getImage(name)
    .inspect()
    .catch(() => undefined);
  if (existing?.Config?.Labels?.[CONTENT_LABEL] === contentHash) return name;

  const [repo, tag] = splitName(name);
  const changes = [...IMAGE_CHANGES, `LABEL ${CONTENT_LABEL}=${contentHash}`];
  // dockerode writes a Buffer body as is; `changes` repeats in the query as the API wants.
  const stream = (await docker.importImage(tar as never, { repo, tag, changes } as never)) as unknown as NodeJS.ReadableStream;
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (err: Error | null, output: { error?: string }[]) => {
      const failed = err ?? output.find((o) => o.error);
      if (failed) reject(err ?? new Error(String((failed as { error: string }).error)));
      else resolve();
    });
  });
  const made = await docker.getImage(name).inspect();
  if (made.Config?.Labels?.[CONTENT_LABEL] !== contentHash) {
    throw new Error(`imported ${name} but it does not carry ${CONTENT_LABEL}=${contentHash}`);
  }
  return name;
}

function splitName(name: string): [string, string] {
  const at = name.lastIndexOf(':');
  return at > name.lastIndexOf('/') ? [name.slice(0, at), name.slice(at + 1)] : [name, 'latest'];
}
