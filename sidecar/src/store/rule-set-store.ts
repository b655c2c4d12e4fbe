// The sidecar's served rule sets: one compiled index per namespace, replaced as a whole (a reader
// sees the old or the new revision, never a mix). A rule set that fails to index is rejected and the
// last good one keeps serving.
import type { RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';
import type { NamespaceIndex } from '../engine/namespace-index.ts';
import { readRuleSetHeader } from '../engine/rule-set-layout.ts';
import type { RuleSetLookup, ServedNamespace } from './lookup.ts';
import { ruleSetBytes } from './rule-set-bytes.ts';
import { servedNamespace } from './served-namespace.ts';

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
  /** Builds the index from a rule set's wire bytes; throws when the rule set is inconsistent. */
  readonly buildIndex: (wire: Uint8Array) => NamespaceIndex;
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

  /**
   * Indexes and swaps in a rule set, given as its wire bytes (kept; nothing decoded is) or decoded
   * (encoded once, shared with the disk copy). A rule set for a namespace this sidecar does not
   * serve is refused, as is one whose bytes are not a RuleSet.
   */
  apply(ruleSet: RuleSet | Uint8Array): ApplyResult {
    let header: { readonly namespace: string; readonly revision: string };
    try {
      header = ruleSet instanceof Uint8Array ? readRuleSetHeader(ruleSet) : ruleSet;
    } catch (error) {
      return { ok: false, error: `not a rule set: ${messageOf(error)}` };
    }
    if (!this.namespaces.includes(header.namespace))
      return { ok: false, error: `namespace "${header.namespace}" is not served by this sidecar` };
    const current = this.#served.get(header.namespace);
    if (current?.revision === header.revision) return { ok: true, changed: false };
    const wire = ruleSet instanceof Uint8Array ? ruleSet : ruleSetBytes(ruleSet);
    let index: NamespaceIndex;
    try {
      index = this.#options.buildIndex(wire);
    } catch (error) {
      return { ok: false, error: messageOf(error) };
    }
    const stored: StoredNamespace = { ...servedNamespace(index, wire), appliedAt: this.#options.now() };
    this.#served.set(header.namespace, stored);
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
    for (const [ns, served] of this.#served) out[ns] = served.revision;
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

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
