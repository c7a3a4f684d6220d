/**
 * A cluster's `settings`: the values ECS takes (the model's enum checks the names) and how an
 * update lays new settings over old ones. Pure.
 */
import { AwsError } from '../aws-error.js';
import type { KeyValue } from './records.js';

const CONTAINER_INSIGHTS = ['enhanced', 'enabled', 'disabled'];

/** Refuses settings ECS refuses: the front door has checked the names (an enum), this checks the values. */
export function checkClusterSettings(settings: KeyValue[] | undefined): void {
  for (const s of settings ?? []) {
    if (s.value === undefined || !CONTAINER_INSIGHTS.includes(s.value)) {
      throw new AwsError(
        'InvalidParameterException',
        `The value '${s.value ?? ''}' for the cluster setting ${s.name ?? ''} is not valid. Valid values are enhanced, enabled and disabled.`,
      );
    }
  }
}

/** The cluster's settings with `given` laid over them, by name. */
export function mergeSettings(current: KeyValue[], given: KeyValue[]): KeyValue[] {
  const byName = new Map(current.map((s) => [s.name, s]));
  for (const s of given) byName.set(s.name, { name: s.name, value: s.value });
  return [...byName.values()];
}
