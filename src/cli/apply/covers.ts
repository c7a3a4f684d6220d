/**
 * "Does what the API reports already say what the file asks for?" The file names only the fields it
 * cares about and the API fills in defaults (essential: true, protocol: tcp, ForwardConfig, ...), so
 * equality is too strict: the desired value must be a subset of the current one. An empty desired
 * value (0, false, "", [], {}) also matches a field the API leaves out.
 */
export function covers(desired: unknown, current: unknown): boolean {
  if (desired === undefined) return true;
  if (current === undefined || current === null) return isEmpty(desired);
  if (Array.isArray(desired)) {
    return Array.isArray(current) && desired.length === current.length && desired.every((d, i) => covers(d, current[i]));
  }
  if (typeof desired === 'object' && desired !== null) {
    if (typeof current !== 'object' || Array.isArray(current)) return false;
    return Object.entries(desired).every(([k, v]) => covers(v, (current as Record<string, unknown>)[k]));
  }
  // YAML `5` against an API string "5" (attributes, codes) is the same setting.
  return desired === current || (typeof desired !== typeof current && String(desired) === String(current));
}

function isEmpty(v: unknown): boolean {
  if (v === null || v === 0 || v === false || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.values(v as object).every((x) => x === undefined || isEmpty(x));
  return false;
}
