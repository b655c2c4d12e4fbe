// Hash-consing of the immutable parts of an index that do not name a flag: segment groups, bucket
// thresholds, rules, rollouts, and whole rule and rollout lists. Each is looked up by its parts
// (object identity or number) in a trie of Maps, so equal structures are built once per rule set
// and a lookup allocates nothing. Callers pass scratch arrays; the pool copies them only when it
// builds a new entry. The parts are read-only by type but not frozen: they never leave the engine,
// and the evaluators read plain arrays and objects a little faster than frozen ones.

import { NO_SEGMENT_KEYS } from './results.ts';
import type { CompiledRollout, CompiledRule, CompiledSegment, SegmentGroup } from './namespace-index.ts';

class Trie<V> {
  value: V | undefined = undefined;
  #next: Map<unknown, Trie<V>> | undefined = undefined;

  clear(): void {
    this.value = undefined;
    this.#next = undefined;
  }

  child(key: unknown): Trie<V> {
    this.#next ??= new Map();
    let node = this.#next.get(key);
    if (node === undefined) {
      node = new Trie<V>();
      this.#next.set(key, node);
    }
    return node;
  }
}

const NO_RULES: readonly CompiledRule[] = [];
const NO_ROLLOUTS: readonly CompiledRollout[] = [];
const NO_THRESHOLDS: readonly number[] = [];
const THRESHOLD_GROUP: SegmentGroup = { segments: [], requireAll: true, allKeys: NO_SEGMENT_KEYS };

export class StructurePool {
  readonly #groups = [new Trie<SegmentGroup>(), new Trie<SegmentGroup>()];
  readonly #thresholds = new Trie<readonly number[]>();
  readonly #rules = new Trie<CompiledRule>();
  readonly #ruleLists = new Trie<readonly CompiledRule[]>();
  readonly #thresholdRollouts = new Map<number, CompiledRollout>();
  readonly #segmentRollouts = new Map<SegmentGroup, CompiledRollout>();
  readonly #rolloutLists = new Trie<readonly CompiledRollout[]>();

  /** Forgets every structure (the pool is reused from one rule set to the next). */
  clear(): void {
    for (const trie of this.#groups) trie.clear();
    this.#thresholds.clear();
    this.#rules.clear();
    this.#ruleLists.clear();
    this.#thresholdRollouts.clear();
    this.#segmentRollouts.clear();
    this.#rolloutLists.clear();
  }

  /** The group of these segments (in order) under AND (`requireAll`) or OR. */
  group(requireAll: boolean, segments: readonly CompiledSegment[]): SegmentGroup {
    let node = this.#groups[requireAll ? 1 : 0] as Trie<SegmentGroup>;
    for (const segment of segments) node = node.child(segment);
    node.value ??= {
      segments: [...segments],
      requireAll,
      allKeys: segments.length === 0 ? NO_SEGMENT_KEYS : Object.freeze(segments.map((s) => s.key)),
    };
    return node.value;
  }

  thresholds(values: readonly number[]): readonly number[] {
    if (values.length === 0) return NO_THRESHOLDS;
    let node = this.#thresholds;
    for (const value of values) node = node.child(value);
    node.value ??= [...values];
    return node.value;
  }

  rule(group: SegmentGroup, thresholds: readonly number[], firstResult: number): CompiledRule {
    const node = this.#rules.child(group).child(thresholds).child(firstResult);
    node.value ??= { group, thresholds, firstResult };
    return node.value;
  }

  rules(rules: readonly CompiledRule[]): readonly CompiledRule[] {
    if (rules.length === 0) return NO_RULES;
    let node = this.#ruleLists;
    for (const rule of rules) node = node.child(rule);
    node.value ??= [...rules];
    return node.value;
  }

  /** A threshold rollout of this float32 percentage. */
  thresholdRollout(percentage: number): CompiledRollout {
    let rollout = this.#thresholdRollouts.get(percentage);
    if (rollout === undefined) {
      rollout = { isThreshold: true, percentage, group: THRESHOLD_GROUP };
      this.#thresholdRollouts.set(percentage, rollout);
    }
    return rollout;
  }

  segmentRollout(group: SegmentGroup): CompiledRollout {
    let rollout = this.#segmentRollouts.get(group);
    if (rollout === undefined) {
      rollout = { isThreshold: false, percentage: 0, group };
      this.#segmentRollouts.set(group, rollout);
    }
    return rollout;
  }

  rollouts(rollouts: readonly CompiledRollout[]): readonly CompiledRollout[] {
    if (rollouts.length === 0) return NO_ROLLOUTS;
    let node = this.#rolloutLists;
    for (const rollout of rollouts) node = node.child(rollout);
    node.value ??= [...rollouts];
    return node.value;
  }
}
