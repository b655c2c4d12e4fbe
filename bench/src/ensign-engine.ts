// The sidecar's side of Ensign's load path and its evaluation calls, as the benchmark uses them.
// Everything here delegates to the sidecar's own code; nothing is reimplemented.
import { buildIndex } from '@ensign/sidecar/engine/build-index.ts';
import type { NamespaceIndex } from '@ensign/sidecar/engine/namespace-index.ts';
import { readRuleSetHeader } from '@ensign/sidecar/engine/rule-set-layout.ts';
import type { ServedNamespace } from '@ensign/sidecar/store/lookup.ts';
import { RuleSetStore } from '@ensign/sidecar/store/rule-set-store.ts';

export { evaluateBoolean, evaluateVariant } from '@ensign/sidecar/engine/evaluate.ts';
export type { NamespaceIndex, ServedNamespace };

/**
 * What the sidecar does with a rule set's bytes: its store indexes them and keeps them (no decoded
 * RuleSet) as the namespace it serves. A store of its own per load, as the peers build a new
 * instance per load (a store would skip a revision it already serves).
 */
export function serveRuleSetBytes(bytes: Uint8Array): ServedNamespace {
  const { namespace } = readRuleSetHeader(bytes);
  const store = new RuleSetStore({
    defaultNamespace: namespace,
    namespaces: [namespace],
    buildIndex,
    now: Date.now,
  });
  const result = store.apply(bytes);
  if (!result.ok) throw new Error(`rule set rejected: ${result.error}`);
  const served = store.get(namespace);
  if (served === undefined)
    throw new Error(`namespace "${namespace}" not served after applying its rule set`);
  return served;
}

/** The evaluation index the sidecar serves for these rule-set bytes. */
export function loadRuleSetBytes(bytes: Uint8Array): NamespaceIndex {
  return serveRuleSetBytes(bytes).index;
}
