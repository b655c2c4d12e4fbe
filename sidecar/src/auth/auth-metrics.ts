// ensign_sidecar_auth_results_total{method,result}: how callers fared, by the authenticator that
// decided. No subject labels: callers are unbounded and would multiply series per pod.
import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import type { AuthMethod } from './token-authenticator.ts';

/** `none`: no usable credentials, or a token no authenticator recognised. */
export const AUTH_METRIC_METHODS = ['static', 'jwt', 'serviceaccount', 'none'] as const;
export type AuthMetricMethod = AuthMethod | 'none';

export const AUTH_RESULTS = ['authenticated', 'unauthenticated', 'unavailable', 'denied'] as const;
export type AuthResultLabel = (typeof AUTH_RESULTS)[number];

export interface AuthMetrics {
  record(method: AuthMetricMethod, result: AuthResultLabel): void;
}

export function createAuthMetrics(registry: Registry): AuthMetrics {
  const counter = new Counter({
    name: 'ensign_sidecar_auth_results_total',
    help: 'Caller authentication and authorisation results, by the method that decided (none: no usable credentials) and result (denied: authenticated, not admitted to the namespace).',
    labelNames: ['method', 'result'] as const,
    registers: [registry],
  });
  // Children made once, so recording is a lookup and an increment; all series exist from the start.
  const children = new Map<string, ReturnType<typeof counter.labels>>();
  for (const method of AUTH_METRIC_METHODS)
    for (const result of AUTH_RESULTS)
      children.set(`${method}/${result}`, counter.labels({ method, result }));
  return {
    record(method, result) {
      children.get(`${method}/${result}`)?.inc();
    },
  };
}
