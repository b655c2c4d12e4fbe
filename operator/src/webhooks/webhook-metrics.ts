// The webhook's Prometheus metrics, registered in the operator's registry.
import { Counter, Histogram, type Registry } from 'prom-client';

export const WEBHOOK_RESULTS = ['injected', 'skipped', 'denied', 'error'] as const;
export type WebhookResult = (typeof WEBHOOK_RESULTS)[number];

export interface WebhookMetrics {
  readonly requests: Counter<'result'>;
  readonly durationSeconds: Histogram;
}

export function createWebhookMetrics(registry: Registry): WebhookMetrics {
  const requests = new Counter({
    name: 'ensign_operator_webhook_requests_total',
    help: 'Admission reviews answered by the injection webhook, by result (injected, skipped, denied, error).',
    labelNames: ['result'],
    registers: [registry],
  });
  // Every result exists from the start, so rate() and alerts see zeros rather than no series.
  for (const result of WEBHOOK_RESULTS) requests.inc({ result }, 0);
  return {
    requests,
    durationSeconds: new Histogram({
      name: 'ensign_operator_webhook_duration_seconds',
      help: 'Time to answer one admission review, from the first request byte to the response.',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
  };
}
