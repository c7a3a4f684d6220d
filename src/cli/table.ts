/**
 * Terse, docker-style tables: upper-case headers, columns padded to the widest cell, two spaces
 * between columns, no borders. Pure: rows in, text out.
 */
export type Cell = string | number | undefined | null;

export function renderTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = rows.map((r) => headers.map((_, i) => cellText(r[i])));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers.map((h) => h.toUpperCase())), ...text.map(line)].join('\n') + '\n';
}

function cellText(c: Cell): string {
  if (c === undefined || c === null || c === '') return '-';
  return String(c);
}

/** The last path segment of an ARN (`.../task/default/abc` → `abc`), or the input when it is no ARN. */
export function shortId(arnOrId: string | undefined): string | undefined {
  if (arnOrId === undefined) return undefined;
  if (!arnOrId.startsWith('arn:')) return arnOrId;
  const slash = arnOrId.lastIndexOf('/');
  return slash >= 0 ? arnOrId.slice(slash + 1) : arnOrId.slice(arnOrId.lastIndexOf(':') + 1);
}

/** `family:revision` from a task-definition ARN. */
export function taskDefinitionName(arn: string | undefined): string | undefined {
  if (arn === undefined) return undefined;
  const m = /task-definition\/(.+)$/.exec(arn);
  return m ? m[1] : arn;
}

/** `3m`, `45s`, `2h`, `5d`: how long ago, for humans. */
export function age(then: Date | number | undefined, now: number): string | undefined {
  if (then === undefined) return undefined;
  const s = Math.max(0, Math.floor((now - (typeof then === 'number' ? then : then.getTime())) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

export function json(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (v instanceof Date ? v.toISOString() : v), 2) + '\n';
}
