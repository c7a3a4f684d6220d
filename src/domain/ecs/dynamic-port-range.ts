/**
 * The container-instance attribute in which an agent names its dynamic host-port range (`low-high`),
 * so placement can count the dynamic ports a host has left. The agent protocol re-exports the name.
 */
import type { Attribute } from './records.js';

export const DYNAMIC_RANGE_ATTRIBUTE = 'berth.dynamic-port-range';

/** The range an instance's attributes name, or undefined when none (or an unreadable one). */
export function dynamicRangeOf(attributes: readonly Attribute[] | undefined): { low: number; high: number } | undefined {
  const raw = attributes?.find((a) => a.name === DYNAMIC_RANGE_ATTRIBUTE)?.value;
  const m = raw === undefined ? null : /^(\d+)-(\d+)$/.exec(raw);
  if (!m) return undefined;
  const low = Number(m[1]);
  const high = Number(m[2]);
  return low <= high ? { low, high } : undefined;
}
