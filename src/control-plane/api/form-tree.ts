/**
 * An AWS Query / EC2 form body (`a.b.1.c=v&...`) as a tree of dotted name parts, so decoders can walk
 * it alongside the model shapes instead of matching strings. URLSearchParams decodes both `+`
 * (botocore) and `%20` (JS v3) as a space, and tolerates stray `%`s, so garbage never throws.
 */
export interface FormNode {
  /** The value sent at exactly this name (`Names=` gives ''). */
  v?: string;
  /** Deeper names, by their next dotted part. */
  c?: Map<string, FormNode>;
}

export interface Form {
  readonly root: FormNode;
  /** A top-level parameter such as `Action` or `Version`. */
  get(name: string): string | undefined;
}

export function parseForm(body: string): Form {
  const root: FormNode = {};
  const top = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(body)) {
    if (name === '') continue;
    if (!name.includes('.')) top.set(name, value);
    let node = root;
    for (const part of name.split('.')) {
      node.c ??= new Map();
      let next = node.c.get(part);
      if (!next) node.c.set(part, (next = {}));
      node = next;
    }
    node.v = value;
  }
  return { root, get: (name) => top.get(name) };
}

/** Children whose names are positive integers, in numeric order (`member.10` after `member.9`). */
export function numbered(node: FormNode | undefined): FormNode[] {
  if (!node?.c) return [];
  const items: [number, FormNode][] = [];
  for (const [k, child] of node.c) {
    if (/^[1-9]\d*$/.test(k)) items.push([Number(k), child]);
  }
  return items.sort((a, b) => a[0] - b[0]).map(([, child]) => child);
}
