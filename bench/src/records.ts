// What each benchmark process prints (one JSON line) and the orchestrator collects.
import type { EngineName, Op } from './eval-engine.ts';
import type { EvalMeasurement } from './measure-eval.ts';
import type { LoadMeasurement } from './measure-load.ts';
import type { ProcUsage } from './proc-usage.ts';
import type { SanityTally, agreement } from './sanity.ts';

export interface EvalRecord extends EvalMeasurement {
  readonly kind: 'eval';
  readonly engine: EngineName;
  readonly version: string;
  readonly op: Op;
  readonly flags: number;
  readonly contexts: number;
}

export interface LoadRecord extends LoadMeasurement {
  readonly kind: 'load';
  readonly engine: EngineName;
  readonly version: string;
  readonly flags: number;
}

export interface CompileRecord {
  readonly kind: 'compile';
  readonly engine: 'ensign-compile';
  readonly flags: number;
  readonly inputBytes: number;
  readonly ruleSetBytes: number;
  /** JSON.parse of the resources + the operator's zod schemas. */
  readonly schemaMs: number;
  readonly compileColdMs: number;
  readonly compileWarmMsMedian: number;
  /** RuleSet → protobuf bytes. */
  readonly encodeMs: number;
  readonly warmReps: number;
  readonly diagnostics: number;
}

export interface SanityRecord {
  readonly kind: 'sanity';
  readonly engines: Readonly<Partial<Record<EngineName, SanityTally>>>;
  /** Same answers as Flipt per entity (1 = identical bucketing). */
  readonly ensignAgreementWithFlipt: ReturnType<typeof agreement> | null;
}

/** A record as the orchestrator stores it: which round, and the 1-minute load average when it finished. */
export type Round<R> = R & { readonly rep: number; readonly loadavg1: number };

/** `--only propagation`: API write → every simulated sidecar holding the new revision. */
export interface PropagationRecord {
  readonly kind: 'propagation';
  readonly flags: number;
  readonly streams: number;
  readonly changes: number;
  /** Creating the namespace's Segments and Flags through the API (32 requests in flight). */
  readonly applyMs: number;
  /** Operator start → all streams holding the first rule set. */
  readonly initialSyncMs: number;
  /** Then until the operator was idle (status writes done), before the first change. */
  readonly settleSeconds: number;
  /** Per change: the merge-patch's response → the last stream receiving the new revision. */
  readonly latenciesMs: readonly number[];
  /** Per change: the patch response → the first stream receiving it. */
  readonly firstStreamMsMedian: number;
  /** The merge-patch request itself (send → response). */
  readonly patchRequestMsMedian: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly timeouts: number;
  readonly targetP99Ms: number;
  readonly pass: boolean;
  /** Flags in the rule set as one fully decoding stream saw it (the rest read only the revision). */
  readonly flagsSeen: number | undefined;
  readonly operator: ProcUsage;
}

/** `--only operator`: a cold start over many namespaces. */
export interface OperatorScaleRecord {
  readonly kind: 'operator-scale';
  readonly namespaces: number;
  readonly flagsPerNamespace: number;
  readonly applyMs: number;
  /** Operator process spawned → /readyz 200. */
  readonly readyMs: number;
  /** Operator process spawned → every namespace's rule set published with all its flags. */
  readonly allPublishedMs: number;
  /** Resource usage right after all were published, and after settling. */
  readonly atPublished: ProcUsage;
  readonly settled: ProcUsage;
  readonly settleSeconds: number;
  /**
   * The operator's own `ensign_operator_compile_duration_seconds` histogram (count and mean), or
   * undefined when it observed nothing (the cluster source does not record it).
   */
  readonly compileHistogram: { readonly count: number; readonly meanMs: number } | undefined;
  /** `compile()` of each namespace's objects in the benchmark process, first call (cold) included. */
  readonly compileInProcessMs: {
    readonly p50: number;
    readonly p99: number;
    readonly max: number;
    readonly mean: number;
    readonly namespaces: number;
  };
}
