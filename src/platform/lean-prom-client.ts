/**
 * prom-client's `Registry`, `Counter`, `Gauge` and `AggregatorRegistry` from their own modules, not
 * from the package's index: the index also loads every other metric type, the push gateway and the
 * default process metrics with OpenTelemetry (88 files, 0.15-0.2 s of CPU), which every
 * load-balancer process would pay at start. These four are 9 files. The classes are the index's own
 * (lean-prom-client.test.ts checks it), so registries mix freely with code that imports the index.
 */
import { createRequire } from 'node:module';
import type * as PromClient from 'prom-client';

const require = createRequire(import.meta.url);

export const Registry = require('prom-client/lib/registry.js') as typeof PromClient.Registry;
export type Registry = PromClient.Registry;
export const Counter = require('prom-client/lib/counter.js') as typeof PromClient.Counter;
export type Counter<T extends string = string> = PromClient.Counter<T>;
export const Gauge = require('prom-client/lib/gauge.js') as typeof PromClient.Gauge;
export type Gauge<T extends string = string> = PromClient.Gauge<T>;
export const AggregatorRegistry = require('prom-client/lib/cluster.js') as typeof PromClient.AggregatorRegistry;
export type AggregatorRegistry<T extends PromClient.RegistryContentType = PromClient.PrometheusContentType> = PromClient.AggregatorRegistry<T>;
