import type { Random } from '../../platform/random.js';

/** Task and container-instance ids: 32 lowercase hex digits, as ECS's long-format ids. */
export function newResourceId(random: Random): string {
  return random.hex(16);
}

/** Deployment ids look like `ecs-svc/1234567890123456789`: 19 digits, first one non-zero. */
export function newDeploymentId(random: Random): string {
  let digits = String(1 + Math.floor(random.next() * 9));
  for (let i = 0; i < 18; i++) digits += String(Math.floor(random.next() * 10));
  return `ecs-svc/${digits}`;
}
