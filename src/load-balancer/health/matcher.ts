/** The target group's success-code matcher: `200`, `200,202`, `200-299` (and mixes of these). */
export type CodeMatcher = (status: number) => boolean;

export function compileMatcher(spec: string): CodeMatcher {
  const ranges: Array<[number, number]> = [];
  for (const raw of spec.split(',')) {
    const part = raw.trim();
    const m = /^(\d{3})(?:-(\d{3}))?$/.exec(part);
    if (!m) throw new Error(`invalid matcher ${spec}`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) throw new Error(`invalid matcher range ${part}`);
    ranges.push([lo, hi]);
  }
  return (status) => ranges.some(([lo, hi]) => status >= lo && status <= hi);
}
