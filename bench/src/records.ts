// What each benchmark process prints (one JSON line) and the orchestrator collects.
import type { EngineName, Op } from './eval-engine.ts';
import type { EvalMeasurement } from './measure-eval.ts';
import type { LoadMeasurement } from './measure-load.ts';
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
