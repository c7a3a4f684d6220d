/** The console's few building blocks: links, tables, state badges, tabs, sparklines, errors. */
import type { ComponentChildren, JSX } from 'preact';
import { onLinkClick } from './router';

export function Link(props: { to: string; children: ComponentChildren; class?: string }) {
  return (
    <a href={props.to} class={props.class} onClick={(e) => onLinkClick(e as unknown as MouseEvent, props.to)}>
      {props.children}
    </a>
  );
}

export interface Column<T> {
  readonly title: string;
  readonly cell: (row: T) => ComponentChildren;
  readonly class?: string;
}

export function Table<T>(props: { rows: readonly T[] | undefined; columns: readonly Column<T>[]; empty: string; label: string; rowKey: (r: T) => string }) {
  if (!props.rows) return <p class="muted">Loading…</p>;
  // The wrapper scrolls a table that cannot fit, so the page itself never overflows the window.
  return (
    <div class="table-wrap">
      <table class="grid" aria-label={props.label}>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th class={c.class}>{c.title}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.length === 0 ? (
            <tr>
              <td colSpan={props.columns.length} class="empty">
                {props.empty}
              </td>
            </tr>
          ) : (
            props.rows.map((r) => (
              <tr key={props.rowKey(r)}>
                {props.columns.map((c) => (
                  <td class={c.class}>{c.cell(r)}</td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

const TONE: Record<string, string> = {
  healthy: 'ok',
  HEALTHY: 'ok',
  RUNNING: 'ok',
  ACTIVE: 'ok',
  COMPLETED: 'ok',
  active: 'ok',
  PRIMARY: 'info',
  initial: 'info',
  PROVISIONING: 'info',
  PENDING: 'info',
  ACTIVATING: 'info',
  IN_PROGRESS: 'info',
  provisioning: 'info',
  draining: 'warn',
  DRAINING: 'warn',
  DEACTIVATING: 'warn',
  STOPPING: 'warn',
  DEPROVISIONING: 'warn',
  UNKNOWN: 'muted',
  ISSUED: 'ok',
  PENDING_VALIDATION: 'info',
  EXPIRED: 'bad',
  unhealthy: 'bad',
  UNHEALTHY: 'bad',
  FAILED: 'bad',
  STOPPED: 'muted',
  INACTIVE: 'muted',
  unused: 'muted',
  unavailable: 'bad',
};

export function State(props: { value: string | undefined }) {
  const v = props.value ?? '—';
  return (
    <span class={`state state-${TONE[v] ?? 'muted'}`} data-state={v}>
      {v}
    </span>
  );
}

export function Tabs(props: { tabs: readonly string[]; active: string; onSelect: (t: string) => void }) {
  return (
    <div class="tabs" role="tablist">
      {props.tabs.map((t) => (
        <button role="tab" aria-selected={t === props.active} class={t === props.active ? 'tab active' : 'tab'} onClick={() => props.onSelect(t)}>
          {t}
        </button>
      ))}
    </div>
  );
}

/** A tiny inline SVG line over the last samples; the latest value is printed beside it. */
export function Sparkline(props: { values: readonly number[]; label: string; unit: string; tone?: 'bad' }) {
  const w = 160;
  const h = 36;
  const max = Math.max(1, ...props.values);
  const step = props.values.length > 1 ? w / (props.values.length - 1) : w;
  const points = props.values.map((v, i) => `${(i * step).toFixed(1)},${(h - 2 - (v / max) * (h - 4)).toFixed(1)}`).join(' ');
  const last = props.values.at(-1);
  return (
    <figure class="spark" aria-label={props.label}>
      <figcaption>{props.label}</figcaption>
      <svg width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img">
        <polyline points={points} class={props.tone === 'bad' ? 'line bad' : 'line'} />
      </svg>
      <span class="spark-value">{last === undefined ? '—' : `${last} ${props.unit}`}</span>
    </figure>
  );
}

export function ErrorBox(props: { error: Error | undefined }) {
  if (!props.error) return null;
  const code = (props.error as { code?: string }).code;
  return (
    <div class="alert" role="alert">
      {code ? <strong>{code}: </strong> : null}
      {props.error.message}
    </div>
  );
}

export function Field(props: { label: string; hint?: string; children: ComponentChildren }) {
  return (
    <label class="field">
      <span class="field-label">{props.label}</span>
      {props.children}
      {props.hint ? <span class="field-hint">{props.hint}</span> : null}
    </label>
  );
}

export function Page(props: { title: string; actions?: JSX.Element; children: ComponentChildren }) {
  return (
    <section class="page">
      <header class="page-head">
        <h1>{props.title}</h1>
        <div class="actions">{props.actions}</div>
      </header>
      {props.children}
    </section>
  );
}

export const when = (ms: number | string | undefined): string => (ms === undefined ? '' : new Date(ms).toLocaleString());
