// The operator's Prometheus metrics. Labels are namespaces at most: never flags (that multiplies
// series by every flag in the cluster).
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { collectProcessMetrics } from '@ensign/core/observability/process-metrics.ts';

export interface OperatorMetrics {
  readonly registry: Registry;
  readonly compiles: Counter<'result'>;
  readonly compileSeconds: Histogram;
  readonly diagnostics: Gauge<'namespace'>;
  readonly ruleSetBytes: Gauge<'namespace'>;
  readonly ruleSetFlags: Gauge<'namespace'>;
  readonly syncStreams: Gauge;
  readonly propagationSeconds: Histogram;
}

export function createOperatorMetrics(): OperatorMetrics {
  const registry = new Registry();
  collectProcessMetrics(registry, 'ensign_operator_');
  return {
    registry,
    compiles: new Counter({
      name: 'ensign_operator_compiles_total',
      help: 'Namespace compilations by result (ok, or diagnostics when some object was not compiled fresh).',
      labelNames: ['result'],
      registers: [registry],
    }),
    compileSeconds: new Histogram({
      name: 'ensign_operator_compile_duration_seconds',
      help: 'Time to compile one namespace into a rule set.',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
    diagnostics: new Gauge({
      name: 'ensign_operator_diagnostics',
      help: 'Current compiler diagnostics (objects not compiled fresh) per namespace.',
      labelNames: ['namespace'],
      registers: [registry],
    }),
    ruleSetBytes: new Gauge({
      name: 'ensign_operator_ruleset_bytes',
      help: 'Encoded size of the namespace rule set sent to sidecars.',
      labelNames: ['namespace'],
      registers: [registry],
    }),
    ruleSetFlags: new Gauge({
      name: 'ensign_operator_ruleset_flags',
      help: 'Flags served in the namespace rule set.',
      labelNames: ['namespace'],
      registers: [registry],
    }),
    syncStreams: new Gauge({
      name: 'ensign_operator_sync_streams',
      help: 'Sidecar sync streams currently open on this replica.',
      registers: [registry],
    }),
    propagationSeconds: new Histogram({
      name: 'ensign_operator_propagation_seconds',
      help: 'Time from publishing a rule set to a sidecar acknowledging it applied.',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}
