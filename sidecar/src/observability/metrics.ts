// The sidecar's Prometheus metrics. No label carries a flag key: per-flag series would multiply by
// every flag, variant and pod. Every label child the request path touches is created here, once, so
// recording an evaluation is a table lookup and an increment.
import { Counter, Gauge, Histogram, exponentialBuckets } from 'prom-client';
import type { Registry } from 'prom-client';
import type { EvaluationReason } from '../engine/outcome.ts';
import { OUTCOME_KINDS } from '../api/status-table.ts';
import type { OutcomeKind } from '../api/status-table.ts';

export const API_NAMES = ['grpc', 'http', 'ofrep', 'snapshot'] as const;
export type ApiName = (typeof API_NAMES)[number];

export const EVALUATION_TYPES = ['boolean', 'variant'] as const;
export type EvaluationType = (typeof EVALUATION_TYPES)[number];

const REASONS: readonly EvaluationReason[] = ['UNKNOWN', 'FLAG_DISABLED', 'MATCH', 'DEFAULT'];

/** Most flags `--metrics-flag-keys` may name: each adds up to four series per pod. */
export const MAX_METRICS_FLAG_KEYS = 20;

/** What the API layer records. */
export interface EvaluationMetrics {
  evaluated(api: ApiName, type: EvaluationType, reason: EvaluationReason, flagKey: string): void;
  failed(api: ApiName, kind: OutcomeKind): void;
  /** One observation per request (a batch is one request). */
  observeDuration(api: ApiName, seconds: number): void;
}

/** A served namespace as the rule-set gauges read it (the store's entries fit). */
export interface ServedRuleSet {
  readonly namespace: string;
  readonly revision: string;
  readonly flagCount: number;
  /** When the revision was applied, ms since the epoch. */
  readonly appliedAt: number;
}

export interface SidecarMetricsDeps {
  readonly registry: Registry;
  readonly now: () => number;
  readonly ruleSets: () => Iterable<ServedRuleSet>;
  /** Opt-in allow-list (`--metrics-flag-keys`) of flags also counted per flag; empty: none. */
  readonly flagKeys?: readonly string[] | undefined;
}

type Table<K extends string, V> = Readonly<Record<K, V>>;

function tableOf<K extends string, V>(keys: readonly K[], make: (key: K) => V): Table<K, V> {
  return Object.fromEntries(keys.map((key) => [key, make(key)])) as Record<K, V>;
}

export function createSidecarMetrics(deps: SidecarMetricsDeps): EvaluationMetrics {
  const registers = [deps.registry];
  const evaluations = new Counter({
    name: 'ensign_sidecar_evaluations_total',
    help: 'Flag evaluations answered, by API, flag type and reason.',
    labelNames: ['api', 'type', 'reason'] as const,
    registers,
  });
  const errors = new Counter({
    name: 'ensign_sidecar_evaluation_errors_total',
    help: 'Evaluation requests or batch items that failed, by API and outcome kind.',
    labelNames: ['api', 'code'] as const,
    registers,
  });
  const duration = new Histogram({
    name: 'ensign_sidecar_evaluation_duration_seconds',
    help: 'Time to answer one evaluation request (a batch counts once), by API.',
    labelNames: ['api'] as const,
    // In-memory evaluation takes microseconds; the default buckets start at 5 ms.
    buckets: exponentialBuckets(1e-5, 4, 8),
    registers,
  });
  new Gauge({
    name: 'ensign_sidecar_ruleset_revision_info',
    help: 'The rule-set revision served for each namespace (value is always 1).',
    labelNames: ['namespace', 'revision'] as const,
    registers,
    collect() {
      this.reset();
      for (const s of deps.ruleSets()) this.set({ namespace: s.namespace, revision: s.revision }, 1);
    },
  });
  new Gauge({
    name: 'ensign_sidecar_ruleset_age_seconds',
    help: 'Seconds since the served rule set of each namespace was applied.',
    labelNames: ['namespace'] as const,
    registers,
    collect() {
      this.reset();
      const now = deps.now();
      for (const s of deps.ruleSets()) this.set({ namespace: s.namespace }, (now - s.appliedAt) / 1000);
    },
  });
  new Gauge({
    name: 'ensign_sidecar_ruleset_flags',
    help: 'Number of flags in the served rule set of each namespace.',
    labelNames: ['namespace'] as const,
    registers,
    collect() {
      this.reset();
      for (const s of deps.ruleSets()) this.set({ namespace: s.namespace }, s.flagCount);
    },
  });

  const evaluationChildren = tableOf(API_NAMES, (api) =>
    tableOf(EVALUATION_TYPES, (type) =>
      tableOf(REASONS, (reason) => evaluations.labels({ api, type, reason })),
    ),
  );
  const errorChildren = tableOf(API_NAMES, (api) =>
    tableOf(OUTCOME_KINDS, (code) => errors.labels({ api, code })),
  );
  const durationChildren = tableOf(API_NAMES, (api) => duration.labels({ api }));
  const perFlag = perFlagCounters(deps.flagKeys ?? [], deps.registry);

  return {
    evaluated: (api, type, reason, flagKey) => {
      evaluationChildren[api][type][reason].inc();
      perFlag?.get(flagKey)?.[reason].inc();
    },
    failed: (api, kind) => {
      errorChildren[api][kind].inc();
    },
    observeDuration: (api, seconds) => {
      durationChildren[api].observe(seconds);
    },
  };
}

/**
 * ensign_sidecar_flag_evaluations_total{flag,reason} for the allow-listed flags only, registered only
 * when there are some. Keyed by flag key alone: a key served in two namespaces shares its series.
 */
function perFlagCounters(
  flagKeys: readonly string[],
  registry: Registry,
): ReadonlyMap<string, Table<EvaluationReason, Counter.Internal>> | undefined {
  if (flagKeys.length === 0) return undefined;
  if (flagKeys.length > MAX_METRICS_FLAG_KEYS)
    throw new Error(
      `at most ${MAX_METRICS_FLAG_KEYS} flag keys may have per-flag metrics, not ${flagKeys.length}`,
    );
  const counter = new Counter({
    name: 'ensign_sidecar_flag_evaluations_total',
    help: 'Evaluations of the flags named by --metrics-flag-keys (off by default), by flag key and reason.',
    labelNames: ['flag', 'reason'] as const,
    registers: [registry],
  });
  return new Map(
    flagKeys.map((flag) => [flag, tableOf(REASONS, (reason) => counter.labels({ flag, reason }))]),
  );
}
