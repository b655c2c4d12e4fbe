// The evaluation index of one flag namespace: built once per rule set by `buildIndex`, read by the
// evaluators. Results that depend only on the rule set (every MATCH, DEFAULT and FLAG_DISABLED
// answer whose segment keys are fixed, and only those a flag can return) are built once per flag,
// frozen, and returned as they are, so an evaluation usually allocates nothing.
//
// Memory: everything that does not name a flag is shared between flags — segment groups, bucket
// thresholds, rules and rollouts, whole compiled shapes — so a flag costs its key and one record;
// its results are built on its first evaluation (docs/architecture.md, "The evaluation index").

import type { Access, RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';
import type { CompiledConstraint } from './match-constraint.ts';
import type { BooleanResult, VariantResult } from './outcome.ts';
import type { BooleanTemplate, VariantTemplate } from './results.ts';

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

/** The segments of one rule or rollout with their OR/AND operator; shared by every rule naming the same ones. */
export interface SegmentGroup {
  readonly segments: readonly CompiledSegment[];
  /** AND: every segment must match. OR: at least one. */
  readonly requireAll: boolean;
  /** Keys of all segments in declaration order (frozen): the segmentKeys when every segment matched. */
  readonly allKeys: readonly string[];
}

/**
 * One rule of a variant flag, without anything flag-specific (so flags with the same rule
 * structure share it): its answers are the flag's `variantResults` from `firstResult` on — one per
 * positive distribution, then the fallback when one is reachable (MATCH with the default variant
 * when there is no positive distribution; match=false with the default when the distributions
 * leave buckets uncovered).
 */
export interface CompiledRule {
  readonly group: SegmentGroup;
  /** Exclusive upper bucket bounds of the positive distributions, ascending; empty when there are none. */
  readonly thresholds: readonly number[];
  /** Index in `CompiledFlag.variantResults` of this rule's first answer. */
  readonly firstResult: number;
}

/** One rollout of a boolean flag; its answer is the flag's `booleanResults[i + 1]` for rollout `i`. */
export interface CompiledRollout {
  readonly isThreshold: boolean;
  /** float32 percentage of a threshold rollout; unused for segment rollouts. */
  readonly percentage: number;
  /** Segments of a segment rollout; an empty AND group for threshold rollouts (never read). */
  readonly group: SegmentGroup;
}

/**
 * What a flag compiles to besides its key, key hash and metadata. Flags whose shapes are equal
 * bytes on the wire share one (flag-shapes.ts). Its result templates become a flag's results, with
 * the flag's key, when the flag is first evaluated.
 */
export interface FlagShape {
  readonly type: FlagKind;
  readonly enabled: boolean;
  readonly rules: readonly CompiledRule[];
  readonly rollouts: readonly CompiledRollout[];
  readonly variantTemplates: readonly VariantTemplate[];
  readonly booleanTemplates: readonly BooleanTemplate[];
}

export interface CompiledFlag extends FlagSummary {
  /** CRC-32 register after the flag key's bytes, for variant bucketing. */
  readonly keyState: number;
  /** Variant flags, in evaluation order (empty for boolean flags). */
  readonly rules: readonly CompiledRule[];
  /** Boolean flags, in evaluation order (empty for variant flags). */
  readonly rollouts: readonly CompiledRollout[];
  readonly shape: FlagShape;
  /**
   * Variant flags: [0] is the answer of a disabled flag (FLAG_DISABLED) or, for an enabled one, the
   * answer when no rule applies (DEFAULT/UNKNOWN); the rules' answers follow (`firstResult`); a
   * disabled flag has only [0]. Built from the shape's templates with this flag's key the first
   * time the flag is evaluated (empty until then), so a flag that is never asked for costs no
   * results.
   */
  variantResults: readonly VariantResult[];
  /** Boolean flags: [0] is the answer when no rollout matches (DEFAULT); [i + 1] is rollout i's MATCH. Built like `variantResults`. */
  booleanResults: readonly BooleanResult[];
}

/** What a rule set says besides its flags: read without building an index (store, APIs). */
export interface RuleSetHeader {
  readonly namespace: string;
  readonly revision: string;
  /** Who besides the namespace's own workloads may evaluate (FlagNamespace spec.access). */
  readonly access: Access | undefined;
}

export class NamespaceIndex implements RuleSetHeader {
  readonly namespace: string;
  readonly revision: string;
  readonly access: Access | undefined;
  /**
   * The RuleSet object this index was built from, when it was given one (tests, tools). The sidecar
   * builds from wire bytes and keeps no decoded RuleSet: undefined there.
   */
  readonly ruleSet: RuleSet | undefined;
  /** Flags in rule-set order (the compiler sorts them by key). */
  readonly flags: readonly CompiledFlag[];
  readonly #byKey: ReadonlyMap<string, CompiledFlag>;

  constructor(
    header: RuleSetHeader,
    flags: readonly CompiledFlag[],
    byKey: ReadonlyMap<string, CompiledFlag>,
    ruleSet?: RuleSet,
  ) {
    this.namespace = header.namespace;
    this.revision = header.revision;
    this.access = header.access;
    this.ruleSet = ruleSet;
    this.flags = flags;
    this.#byKey = byKey;
  }

  /** Number of flags. */
  get size(): number {
    return this.flags.length;
  }

  flag(key: string): CompiledFlag | undefined {
    return this.#byKey.get(key);
  }
}
