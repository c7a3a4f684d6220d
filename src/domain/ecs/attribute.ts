/**
 * Custom attributes of container instances (PutAttributes, DeleteAttributes): what a name and a
 * value may hold (the model's documentation), which names are ECS's own, and how a re-registration
 * keeps the ones put through the API. Pure.
 */
import type { Attribute } from './records.js';

export const MAX_CUSTOM_ATTRIBUTES = 10;

const NAME = /^[A-Za-z0-9_\-/\\.]{1,128}$/;
const VALUE = /^[A-Za-z0-9_\-.@/\\: ]{1,128}$/;

/** ECS's own attributes (`ecs.*`, `com.amazonaws.ecs.*`), which the agent sets and the API does not. */
export const isBuiltIn = (name: string) => name.startsWith('ecs.') || name.startsWith('com.amazonaws.ecs.');

/** Why this attribute cannot be put (or, with `forDelete`, deleted), or undefined. */
export function attributeProblem(a: Attribute, forDelete = false): string | undefined {
  if (!NAME.test(a.name)) {
    return `The attribute name ${a.name} is invalid: 1 to 128 letters, numbers, hyphens, underscores, slashes, back slashes or periods.`;
  }
  if (isBuiltIn(a.name)) return `The attribute ${a.name} is an Amazon ECS attribute: only custom attributes can be ${forDelete ? 'deleted' : 'put'}.`;
  if (!forDelete && a.value !== undefined && (!VALUE.test(a.value) || a.value.startsWith(' ') || a.value.endsWith(' '))) {
    return `The attribute value ${a.value} for ${a.name} is invalid: 1 to 128 letters, numbers, hyphens, underscores, periods, at signs, slashes, back slashes, colons or spaces, not starting or ending with a space.`;
  }
  return undefined;
}

/** `current` with `put` laid over it by name. */
export function withAttributes(current: readonly Attribute[], put: readonly Attribute[]): Attribute[] {
  const byName = new Map(current.map((a) => [a.name, a]));
  for (const a of put) byName.set(a.name, a.value === undefined ? { name: a.name } : { name: a.name, value: a.value });
  return [...byName.values()];
}

export function withoutAttributes(current: readonly Attribute[], names: readonly string[]): Attribute[] {
  return current.filter((a) => !names.includes(a.name));
}

/**
 * The attributes of a re-registered instance: what the agent registers now, plus the custom ones
 * put through the API (`putNames`) that the agent does not set itself, so a restart loses none.
 */
export function reregisteredAttributes(registered: readonly Attribute[], previous: readonly Attribute[], putNames: readonly string[]): Attribute[] {
  const kept = previous.filter((a) => putNames.includes(a.name) && !registered.some((r) => r.name === a.name));
  return [...registered, ...kept];
}
