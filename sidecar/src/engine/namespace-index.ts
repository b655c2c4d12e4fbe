// The evaluation index of one flag namespace: built once per RuleSet by `buildIndex`, read by the
// evaluators. Results that depend only on the rule set (every MATCH, DEFAULT and FLAG_DISABLED
// answer whose segment keys are fixed) are built here too, frozen, and returned as they are, so an
// evaluation usually allocates nothing.

import type { RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';
import type { CompiledConstraint } from './match-constraint.ts';
import type { BooleanResult, EvaluationError, VariantResult } from './outcome.ts';

export type FlagKind = 'variant' | 'boolean';

/** What callers may read about a flag (listings, OFREP bulk evaluation). */
export interface FlagSummary {
  readonly key: string;
  readonly type: FlagKind;
  readonly enabled: boolean;
  /** Free-form metadata from the resource. */
  readonly metadata: Readonly<Record<string, string>>;
}

export interface CompiledSegment {
  readonly key: string;
  /** ANY match type; otherwise ALL. */
  readonly matchAny: boolean;
  readonly constraints: readonly CompiledConstraint[];
}

/** The segments of one rule or rollout with their OR/AND operator. */
export interface SegmentGroup {
  readonly segments: readonly CompiledSegment[];
  /** AND: every segment must match. OR: at least one. */
  readonly requireAll: boolean;
  /** Keys of all segments in declaration order (frozen): the segmentKeys when every segment matched. */
  readonly allKeys: readonly string[];
}

export interface CompiledRule {
  readonly group: SegmentGroup;
  /** Exclusive upper bucket bounds of the positive distributions, ascending; empty when there are none. */
  readonly thresholds: readonly number[];
  /** The MATCH result of each positive distribution (segmentKeys = all keys). */
  readonly matchResults: readonly VariantResult[];
  /** The rule applied but has no positive distribution: MATCH with the default variant, if any. */
  readonly noDistributionResult: VariantResult;
  /** The rule applied but no distribution covers the bucket: match=false, DEFAULT or UNKNOWN. */
  readonly uncoveredResult: VariantResult;
}

export interface CompiledRollout {
  readonly isThreshold: boolean;
  /** float32 percentage of a threshold rollout; unused for segment rollouts. */
  readonly percentage: number;
  /** Segments of a segment rollout; an empty AND group for threshold rollouts (never read). */
  readonly group: SegmentGroup;
  /** MATCH result with this rollout's value (segmentKeys = all keys of a segment rollout). */
  readonly result: BooleanResult;
}

export interface CompiledFlag extends FlagSummary {
  /** CRC-32 register after the flag key's bytes, for variant bucketing. */
  readonly keyState: number;
  readonly rules: readonly CompiledRule[];
  readonly rollouts: readonly CompiledRollout[];
  /** Variant flags: disabled flag. */
  readonly disabledResult: VariantResult;
  /** Variant flags: no rule applied. Boolean flags: `defaultBooleanResult`. */
  readonly defaultResult: VariantResult;
  readonly defaultBooleanResult: BooleanResult;
  /** The answer when this flag is evaluated as the other type. */
  readonly wrongTypeError: EvaluationError;
}

export class NamespaceIndex {
  readonly namespace: string;
  readonly revision: string;
  /** The rule set this index was built from (e.g. for the client snapshot API). */
  readonly ruleSet: RuleSet;
  /** Flags in key order. */
  readonly flags: readonly CompiledFlag[];
  readonly #byKey: ReadonlyMap<string, CompiledFlag>;

  constructor(ruleSet: RuleSet, flags: readonly CompiledFlag[]) {
    this.namespace = ruleSet.namespace;
    this.revision = ruleSet.revision;
    this.ruleSet = ruleSet;
    this.flags = flags;
    this.#byKey = new Map(flags.map((f) => [f.key, f]));
  }

  /** Number of flags. */
  get size(): number {
    return this.flags.length;
  }

  flag(key: string): CompiledFlag | undefined {
    return this.#byKey.get(key);
  }
}
