/**
 * A Docker stats answer (`GET /containers/{id}/stats?stream=false&one-shot=true`) as a ResourceUsage.
 * Memory is counted as `docker stats` counts it: the cgroup's usage less the page cache the kernel
 * can drop (`inactive_file` on cgroup v2, `total_inactive_file` on v1, else v1's `cache`), so a task
 * that reads files is not shown using memory it would give back. Pure: the answer in, a reading out.
 */
import type { ResourceUsage } from './runtime.js';

/** The members of Docker's stats answer that Berth reads (the rest are left out on purpose). */
export interface DockerStatsAnswer {
  readonly read?: string;
  readonly cpu_stats?: { readonly cpu_usage?: { readonly total_usage?: number } };
  readonly memory_stats?: { readonly usage?: number; readonly stats?: Readonly<Record<string, number>> };
}

/** The reading, or undefined when Docker gave none (a container that is not running answers zeros and no `read`). */
export function dockerUsage(answer: DockerStatsAnswer, fallbackAt: number): ResourceUsage | undefined {
  const cpuNs = answer.cpu_stats?.cpu_usage?.total_usage;
  const usage = answer.memory_stats?.usage;
  if (cpuNs === undefined || usage === undefined) return undefined;
  const stats = answer.memory_stats?.stats ?? {};
  const dropable = stats.inactive_file ?? stats.total_inactive_file ?? stats.cache ?? 0;
  const read = answer.read === undefined ? Number.NaN : Date.parse(answer.read);
  // Docker's zero time (0001-01-01) reads as a year-1 date: not a reading time.
  const at = Number.isFinite(read) && read > 0 ? read : fallbackAt;
  return { at, cpuNs, memoryBytes: Math.max(0, usage - (dropable <= usage ? dropable : 0)) };
}
