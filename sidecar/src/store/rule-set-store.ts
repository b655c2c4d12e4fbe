// The sidecar's served rule sets: one compiled index per namespace, replaced as a whole (a reader
// sees the old or the new revision, never a mix). A rule set that fails to index is rejected and the
// last good one keeps serving.
import type { RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';
import type { NamespaceIndex } from '../engine/namespace-index.ts';
import type { RuleSetLookup, ServedNamespace } from './lookup.ts';

export interface StoredNamespace extends ServedNamespace {
  /** When this revision was applied (ms since epoch). */
  readonly appliedAt: number;
}

export type ApplyResult =
  { readonly ok: true; readonly changed: boolean } | { readonly ok: false; readonly error: string };

export interface RuleSetStoreOptions {
  readonly defaultNamespace: string;
  /** Namespaces this sidecar serves; it is ready once each has a rule set. */
  readonly namespaces: readonly string[];
  readonly buildIndex: (ruleSet: RuleSet) => NamespaceIndex;
  readonly now: () => number;
}

export class RuleSetStore implements RuleSetLookup {
  readonly defaultNamespace: string;
  readonly namespaces: readonly string[];
  readonly #served = new Map<string, StoredNamespace>();
  readonly #options: RuleSetStoreOptions;
  readonly #listeners = new Set<(ns: StoredNamespace) => void>();

  constructor(options: RuleSetStoreOptions) {
    this.#options = options;
    this.defaultNamespace = options.defaultNamespace;
    this.namespaces = [...new Set(options.namespaces)].sort();
  }

  get(namespace: string): StoredNamespace | undefined {
    return this.#served.get(namespace);
  }

  /** Indexes and swaps in a rule set; a rule set for a namespace this sidecar does not serve is refused. */
  apply(ruleSet: RuleSet): ApplyResult {
    if (!this.namespaces.includes(ruleSet.namespace))
      return { ok: false, error: `namespace "${ruleSet.namespace}" is not served by this sidecar` };
    const current = this.#served.get(ruleSet.namespace);
    if (current?.ruleSet.revision === ruleSet.revision) return { ok: true, changed: false };
    let index: NamespaceIndex;
    try {
      index = this.#options.buildIndex(ruleSet);
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    const stored: StoredNamespace = { ruleSet, index, appliedAt: this.#options.now() };
    this.#served.set(ruleSet.namespace, stored);
    for (const listener of this.#listeners) listener(stored);
    return { ok: true, changed: true };
  }

  /** Ready once every served namespace has a rule set. */
  isReady(): boolean {
    return this.namespaces.every((ns) => this.#served.has(ns));
  }

  missing(): string[] {
    return this.namespaces.filter((ns) => !this.#served.has(ns));
  }

  revisions(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [ns, served] of this.#served) out[ns] = served.ruleSet.revision;
    return out;
  }

  all(): StoredNamespace[] {
    return [...this.#served.values()];
  }

  onApplied(listener: (ns: StoredNamespace) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
