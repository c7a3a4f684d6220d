import { useRef } from 'preact/hooks';
import { arnTail } from '../api';

/** One sample of a traffic-shifting deployment: when, and the new revision's production share. */
type Sample = [number, number];

/** What the chart reads of a DescribeServiceDeployments answer. */
interface Revision {
  arn?: string;
  requestedProductionTrafficWeight?: number;
  requestedTestTrafficWeight?: number;
}
export interface ShiftingDeployment {
  lifecycleStage?: string;
  targetServiceRevision?: Revision;
  sourceServiceRevisions?: Revision[];
}

/** Points of a step line: each share holds until the next change, the last one until `end`. */
function stepPoints(series: readonly Sample[], end: number, at: (t: number, p: number) => string): string {
  const out: string[] = [];
  let previous: number | undefined;
  for (const [t, p] of series) {
    if (previous !== undefined) out.push(at(t, previous));
    out.push(at(t, p));
    previous = p;
  }
  if (previous !== undefined) out.push(at(end, previous));
  return out.join(' ');
}

/**
 * BLUE_GREEN, CANARY, LINEAR: the ongoing service deployment's stage and the production share of the
 * new and the old revision over time, as an inline SVG chart. The API gives the split now
 * (requestedProductionTrafficWeight), so the chart is sampled each time the service changes while
 * the page is open; every weight change rewrites the service, so no step is missed.
 */
export function TrafficChart(props: { deployment: ShiftingDeployment | undefined }) {
  const samples = useRef(new Map<string, Sample[]>());
  const d = props.deployment;
  const target = d?.targetServiceRevision;
  const share: number | undefined = target?.requestedProductionTrafficWeight;
  if (!d || !target?.arn || share === undefined) return null;
  const series = samples.current.get(target.arn) ?? [];
  if (series.at(-1)?.[1] !== share) series.push([Date.now(), share]);
  samples.current.set(target.arn, series);

  const w = 480;
  const h = 120;
  const t0 = series[0]?.[0] ?? Date.now();
  const t1 = Math.max(Date.now(), t0 + 1000);
  const x = (t: number) => (((t - t0) / (t1 - t0)) * (w - 8) + 4).toFixed(1);
  const y = (p: number) => (h - 4 - (p / 100) * (h - 8)).toFixed(1);
  const steps = (f: (p: number) => number) => stepPoints(series, t1, (t, p) => `${x(t)},${y(f(p))}`);
  const source = d.sourceServiceRevisions?.[0]?.arn;
  return (
    <section class="panel" aria-label="Traffic shift">
      <p data-testid="traffic-stage">
        Stage <strong>{d.lifecycleStage}</strong> · production: new ({arnTail(target.arn)}) {share}% / old{source ? ` (${arnTail(source)})` : ''}{' '}
        {Math.round((100 - share) * 10) / 10}% · test: new {target.requestedTestTrafficWeight ?? 0}%
      </p>
      <svg width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label="Production traffic share per revision over time">
        <polyline points={steps((p) => p)} class="line" />
        <polyline points={steps((p) => 100 - p)} class="line bad" />
      </svg>
      <p class="field-hint">New revision (solid), old revision (red); sampled while this page is open.</p>
    </section>
  );
}
