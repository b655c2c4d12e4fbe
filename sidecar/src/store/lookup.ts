// What the evaluation APIs need from the rule-set store: the namespace's current compiled rule set
// and its evaluation index, swapped atomically as one object when a new revision arrives.
import type { RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';
import type { NamespaceIndex } from '../engine/namespace-index.ts';

export interface ServedNamespace {
  readonly ruleSet: RuleSet;
  readonly index: NamespaceIndex;
}

export interface RuleSetLookup {
  /** The namespace an empty `namespaceKey` means: the pod's own namespace, `default` in local mode. */
  readonly defaultNamespace: string;
  get(namespace: string): ServedNamespace | undefined;
}
