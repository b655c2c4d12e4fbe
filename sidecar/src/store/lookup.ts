// What the evaluation APIs need from the rule-set store: each namespace's evaluation index and what
// its rule set says besides flags, swapped atomically as one object when a new revision arrives.
// The decoded RuleSet is not kept: the wire bytes are (0.9 MB for 10,000 flags against about 15 MB
// of ts-proto objects), and the snapshot API decodes them when it renders a revision.
import type { NamespaceIndex, RuleSetHeader } from '../engine/namespace-index.ts';

export interface ServedNamespace extends RuleSetHeader {
  /** Number of flags (the rule-set gauge). */
  readonly flagCount: number;
  readonly index: NamespaceIndex;
  /** The RuleSet's protobuf encoding, as received (the snapshot API decodes it on demand). */
  readonly wire: Uint8Array;
  /**
   * The same namespace, revision and access, under the name of the field that used to hold the
   * decoded RuleSet, for callers written against it (sidecar/src/auth reads `ruleSet.access`).
   * New code reads them from the served namespace itself.
   */
  readonly ruleSet: RuleSetHeader;
}

export interface RuleSetLookup {
  /** The namespace an empty `namespaceKey` means: the pod's own namespace, `default` in local mode. */
  readonly defaultNamespace: string;
  get(namespace: string): ServedNamespace | undefined;
}
