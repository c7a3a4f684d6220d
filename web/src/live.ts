/**
 * One EventSource for the whole page. `change` messages say which kind of record moved, and every
 * hook showing that kind refetches (debounced: a deployment writes in bursts). `traffic` samples are
 * kept per target group for the sparklines.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { getJson, V1 } from './api';
// The server's own union (type-only: nothing of src/ is bundled), so the two cannot drift apart.
import type { ChangeKind } from '../../src/control-plane/console/change.js';

export type Kind = ChangeKind;

export interface TrafficPoint {
  readonly at: number;
  readonly requestsPerSecond: number;
  readonly errors5xxPerSecond: number;
  readonly p99Ms: number;
  readonly targets: Record<string, { inFlight: number; requestsPerSecond: number }>;
}

const HISTORY = 60;
const changeListeners = new Set<(kind: Kind | '*') => void>();
const trafficListeners = new Set<() => void>();
export const trafficHistory = new Map<string, TrafficPoint[]>();
let source: EventSource | undefined;
let connected = false;
const statusListeners = new Set<(up: boolean) => void>();

function connect(): void {
  if (source) return;
  source = new EventSource(`${V1}/events`);
  source.addEventListener('open', () => setConnected(true));
  source.addEventListener('error', () => setConnected(false));
  source.addEventListener('ready', () => {
    setConnected(true);
    // Anything may have changed while we were away: refetch everything once.
    for (const l of changeListeners) l('*');
  });
  source.addEventListener('change', (e) => {
    const { kind } = JSON.parse((e as MessageEvent).data) as { kind: Kind };
    for (const l of changeListeners) l(kind);
  });
  source.addEventListener('traffic', (e) => {
    const sample = JSON.parse((e as MessageEvent).data) as Record<string, Omit<TrafficPoint, 'at'>>;
    const at = Date.now();
    for (const [arn, point] of Object.entries(sample)) {
      const series = trafficHistory.get(arn) ?? [];
      series.push({ at, ...point });
      if (series.length > HISTORY) series.shift();
      trafficHistory.set(arn, series);
    }
    for (const l of trafficListeners) l();
  });
}

export function disconnect(): void {
  source?.close();
  source = undefined;
  setConnected(false);
}

function setConnected(up: boolean): void {
  connected = up;
  for (const l of statusListeners) l(up);
}

export function useConnected(): boolean {
  const [up, setUp] = useState(connected);
  useEffect(() => {
    statusListeners.add(setUp);
    return () => void statusListeners.delete(setUp);
  }, []);
  return up;
}

/** Fetches `path` and refetches whenever a record of one of `kinds` changes. */
export function useLive<T>(path: string | undefined, kinds: readonly Kind[]): { data?: T; error?: Error; reload: () => void } {
  const [state, setState] = useState<{ data?: T; error?: Error }>({});
  const timer = useRef<number | undefined>(undefined);
  const seq = useRef(0);
  const load = useCallback(() => {
    if (!path) return;
    const n = ++seq.current;
    getJson<T>(path).then(
      (data) => n === seq.current && setState({ data }),
      (error: Error) => n === seq.current && setState((s) => ({ data: s.data, error })),
    );
  }, [path]);
  useEffect(() => {
    connect();
    setState({});
    load();
    const onChange = (kind: Kind | '*') => {
      if (kind !== '*' && !kinds.includes(kind)) return;
      clearTimeout(timer.current);
      timer.current = window.setTimeout(load, 150);
    };
    changeListeners.add(onChange);
    return () => {
      changeListeners.delete(onChange);
      clearTimeout(timer.current);
    };
  }, [load, kinds.join(',')]);
  return { ...state, reload: load };
}

/** Re-renders on every traffic sample; returns the history of one target group. */
export function useTraffic(targetGroupArn: string | undefined): TrafficPoint[] {
  const [, tick] = useState(0);
  useEffect(() => {
    connect();
    const l = () => tick((n) => n + 1);
    trafficListeners.add(l);
    return () => void trafficListeners.delete(l);
  }, []);
  return targetGroupArn ? (trafficHistory.get(targetGroupArn) ?? []) : [];
}
