/**
 * One browser's live feed as server-sent events:
 *   event: change   data: {"kind":"target","id":"<tgId>/i-1:32768"}   (refetch what changed)
 *   event: traffic  data: {"<tgArn>":{"requestsPerSecond":..,"errors5xxPerSecond":..,"p99Ms":..,"targets":{..}}}
 *   : heartbeat                                                        (keeps proxies from closing an idle stream)
 * It watches the store from the revision it was opened at; `close()` ends the watch and the timers,
 * and is what the route calls when the client goes away.
 */
import type { Store, Watch } from '../../store/store.js';
import { changesOf } from './change.js';
import { trafficSample, type TrafficStatsSource } from './traffic-stats.js';

export interface EventStreamOptions {
  readonly store: Store;
  readonly trafficStats?: TrafficStatsSource;
  /** Writes raw SSE text to the client. */
  readonly write: (chunk: string) => void;
  readonly heartbeatMs?: number;
  readonly sampleMs?: number;
  /** Called when the watch fails (e.g. compacted history); the client reconnects and refetches. */
  readonly onError?: (err: Error) => void;
}

export const HEARTBEAT_MS = 15_000;
export const SAMPLE_MS = 1_000;

export function sseMessage(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export class EventStream {
  private watch: Watch | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private closed = false;

  constructor(private readonly options: EventStreamOptions) {}

  async open(): Promise<void> {
    const { store, write } = this.options;
    const revision = await store.revision();
    if (this.closed) return;
    // Tell the browser to wait 2 s before reconnecting, and from which revision its first fetch is fresh.
    write(`retry: 2000\n${sseMessage('ready', { revision })}`);
    this.watch = store.watch('/berth/', {
      fromRevision: revision,
      onEvents: (events) => {
        for (const change of changesOf(events.map((e) => e.key))) write(sseMessage('change', change));
      },
      onError: (err) => {
        this.close();
        this.options.onError?.(err);
      },
    });
    this.timers.push(setInterval(() => write(': heartbeat\n\n'), this.options.heartbeatMs ?? HEARTBEAT_MS));
    const stats = this.options.trafficStats;
    if (stats) this.timers.push(setInterval(() => write(sseMessage('traffic', trafficSample(stats))), this.options.sampleMs ?? SAMPLE_MS));
    for (const t of this.timers) t.unref();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.watch?.close();
    for (const t of this.timers) clearInterval(t);
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
