/**
 * Key order is Unicode code-point order, which is also UTF-8 byte order: the order SQLite's BINARY
 * collation and etcd use. JavaScript's `<` compares UTF-16 code units, which disagrees for keys that
 * mix characters above U+E000 with astral ones, so the memory store sorts with `compareKeys`.
 */

/** Any UTF-16 unit at or above U+D800: the only ones where the two orders can disagree. */
const HIGH_UNIT = /[\ud800-\uffff]/;

export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  // If either key has no high unit, the first difference involves a low one: native order is right.
  if (!HIGH_UNIT.test(a) || !HIGH_UNIT.test(b)) return a < b ? -1 : 1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      // Only when both units are >= U+D800 can code-unit order differ from code-point order:
      // surrogates (astral characters) must sort after U+E000..U+FFFF.
      if (x >= 0xd800 && y >= 0xd800) return rank(x) - rank(y);
      return x - y;
    }
  }
  return a.length - b.length;
}

function rank(unit: number): number {
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

/**
 * The smallest key greater than every key that starts with `prefix`, or undefined when there is
 * none (empty prefix, or one made only of U+10FFFF). Lets a prefix scan be a range scan on an index.
 */
export function prefixEnd(prefix: string): string | undefined {
  const points = Array.from(prefix);
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      const next = last === 0xd7ff ? 0xe000 : last + 1;
      return points.join('') + String.fromCodePoint(next);
    }
  }
  return undefined;
}
