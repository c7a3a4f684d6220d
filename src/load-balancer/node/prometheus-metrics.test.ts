import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRoutingTable } from '../routing-table.js';
import { PrometheusMetrics } from './prometheus-metrics.js';

test('request counts reach the scrape, across a table swap, with one series per label set', async () => {
  const m = new PrometheusMetrics();
  const done = (status: number, origin: 'target' | 'elb') =>
    m.requestFinished({ listenerPort: 8080, targetGroupArn: 'arn:tg', target: 't:1', status, origin, durationMs: 2 });
  done(200, 'target');
  done(200, 'target');
  done(502, 'elb');
  const first = await m.registry.metrics();
  assert.match(first, /berth_lb_requests_total\{load_balancer="8080",target_group="",code="200",origin="target"\} 2\n/);
  assert.match(first, /berth_lb_requests_total\{load_balancer="8080",target_group="",code="502",origin="elb"\} 1\n/);
  assert.match(first, /berth_lb_request_duration_seconds_count\{load_balancer="8080"\} 3\n/);
  // A swap that changes nothing the labels show keeps counting into the same series.
  m.tableSwapped(buildRoutingTable({ loadBalancers: [], listeners: [], targetGroups: [] }));
  done(200, 'target');
  assert.match(await m.registry.metrics(), /berth_lb_requests_total\{load_balancer="8080",target_group="",code="200",origin="target"\} 3\n/);
});
