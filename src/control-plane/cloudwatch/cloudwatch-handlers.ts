/** The CloudWatch subset Berth serves: metric reads and writes over the metric store, alarms over the store. */
import type { Store } from '../../store/store.js';
import { guardFieldSupport } from '../api/field-support-guard.js';
import type { ServiceHandlers } from '../api/operation.js';
import { alarmHandlers } from './alarms.js';
import { metricReadHandlers } from './metric-reads.js';
import type { MetricStore } from './metric-store.js';
import { metricWriteHandlers } from './metric-writes.js';

export interface CloudWatchDeps {
  readonly store: Store;
  readonly metrics: MetricStore;
}

export function createCloudWatchHandlers(deps: CloudWatchDeps): ServiceHandlers {
  return guardFieldSupport('cloudwatch', { ...metricReadHandlers(deps.metrics), ...metricWriteHandlers(deps.metrics), ...alarmHandlers(deps.store) });
}
