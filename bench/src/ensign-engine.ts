// The sidecar's side of Ensign's load path and its evaluation calls, as the benchmark uses them.
// Everything here delegates to the sidecar engine; nothing is reimplemented.
import { RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { buildIndex } from '@ensign/sidecar/engine/build-index.ts';
import type { NamespaceIndex } from '@ensign/sidecar/engine/namespace-index.ts';

export { evaluateBoolean, evaluateVariant } from '@ensign/sidecar/engine/evaluate.ts';
export type { NamespaceIndex };

/** What the sidecar does with a rule set off the sync stream: decode, then index (the index keeps the RuleSet). */
export function loadRuleSetBytes(bytes: Uint8Array): NamespaceIndex {
  return buildIndex(RuleSet.decode(bytes));
}
