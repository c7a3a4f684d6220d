/**
 * A Prometheus histogram whose observe is a few array writes. prom-client's own children re-check
 * and re-hash their labels on every observe (a label child is only a bound function), which is
 * work per request on the proxy's hot path. This one holds a plain cell per label value, found
 * once by the caller, and answers the registry's `get()` in prom-client's own output shape, so
 * the text format, the registry and the cluster aggregator treat it as a histogram.
 */
import type { Registry } from 'prom-client';

export interface HistogramCell {
  /** Per bucket (not cumulative); the last slot is +Inf. */
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

interface MetricValue {
  readonly labels: Record<string, string | number>;
  readonly value: number;
  readonly metricName: string;
}

export class HotHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly cells = new Map<string, HistogramCell>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelName: string,
    private readonly buckets: readonly number[],
    registry: Registry,
  ) {
    // The registry only reads name, help, type, aggregator and get(); it has no interface for them.
    registry.registerMetric(this as unknown as Parameters<Registry['registerMetric']>[0]);
  }

  /** The cell for one label value: find it once, observe into it many times. */
  cell(labelValue: string): HistogramCell {
    let c = this.cells.get(labelValue);
    if (!c) {
      c = { counts: new Float64Array(this.buckets.length + 1), sum: 0, count: 0 };
      this.cells.set(labelValue, c);
    }
    return c;
  }

  observe(c: HistogramCell, value: number): void {
    const b = this.buckets;
    let i = 0;
    while (i < b.length && value > (b[i] ?? Number.POSITIVE_INFINITY)) i++;
    c.counts[i] = (c.counts[i] ?? 0) + 1;
    c.sum += value;
    c.count++;
  }

  reset(): void {
    this.cells.clear();
  }

  get(): { name: string; help: string; type: string; aggregator: string; values: MetricValue[] } {
    const values: MetricValue[] = [];
    for (const [label, c] of this.cells) {
      let cumulative = 0;
      for (let i = 0; i <= this.buckets.length; i++) {
        cumulative += c.counts[i] ?? 0;
        values.push({ labels: { le: this.buckets[i] ?? '+Inf', [this.labelName]: label }, value: cumulative, metricName: `${this.name}_bucket` });
      }
      values.push({ labels: { [this.labelName]: label }, value: c.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { [this.labelName]: label }, value: c.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
