// prom-client's default process and Node.js metrics, minus the three gauges it names `…_total`
// (nodejs_active_{handles,requests,resources}_total): Prometheus reserves `_total` for counters and
// `promtool check metrics` rejects them. Their per-type siblings without the suffix stay, and
// sum() over those gives the same totals.
import { collectDefaultMetrics, type Registry } from 'prom-client';

const MISNAMED_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

export function collectProcessMetrics(registry: Registry, prefix: string): void {
  collectDefaultMetrics({ register: registry, prefix });
  for (const name of MISNAMED_DEFAULTS) registry.removeSingleMetric(`${prefix}${name}`);
}
