// The operator's per-namespace "latest compiled rule set", shared by every sync stream. Encoded once
// per revision: a hundred sidecars watching one namespace cost one encode, not a hundred.
import type { RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { WatchResponse } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { tracedPublish } from './rule-set-spans.ts';

export interface PublishedRuleSet {
  readonly ruleSet: RuleSet;
  /** The WatchResponse carrying this rule set, encoded, ready to write to any stream. */
  readonly frame: Buffer;
  /** When the hub accepted this revision (ms since epoch), for propagation-lag measurement. */
  readonly publishedAt: number;
}

export type HubListener = (namespace: string, published: PublishedRuleSet) => void;

const NO_LISTENERS: ReadonlySet<HubListener> = new Set();

export interface RuleSetHubOptions {
  /** The rule set of a namespace that has no objects (compile of nothing). */
  readonly emptyRuleSet: (namespace: string) => RuleSet;
  readonly now: () => number;
}

export class RuleSetHub {
  readonly #byNamespace = new Map<string, PublishedRuleSet>();
  readonly #listeners = new Map<string, Set<HubListener>>();
  readonly #options: RuleSetHubOptions;
  #synced = false;

  constructor(options: RuleSetHubOptions) {
    this.#options = options;
  }

  /** Stores the namespace's rule set and notifies its watchers; an unchanged revision is a no-op. */
  publish(ruleSet: RuleSet): boolean {
    const current = this.#byNamespace.get(ruleSet.namespace);
    if (current?.ruleSet.revision === ruleSet.revision) return false;
    return tracedPublish(ruleSet, (span) => {
      const published = this.#encode(ruleSet);
      this.#byNamespace.set(ruleSet.namespace, published);
      const listeners = this.#listeners.get(ruleSet.namespace) ?? NO_LISTENERS;
      // Watchers write to their streams synchronously: each write is an event on this span.
      for (const listener of listeners) listener(ruleSet.namespace, published);
      if (span.isRecording())
        span.setAttributes({
          'ensign.ruleset.bytes': published.frame.length,
          'ensign.sync.watchers': listeners.size,
        });
      return true;
    });
  }

  /**
   * Marks the source's initial listing as complete. From then on a namespace nobody published is
   * known to be empty, and watchers of it get the empty rule set instead of waiting forever.
   */
  markSynced(): void {
    if (this.#synced) return;
    this.#synced = true;
    for (const namespace of this.#listeners.keys()) {
      if (!this.#byNamespace.has(namespace)) this.publish(this.#options.emptyRuleSet(namespace));
    }
  }

  get synced(): boolean {
    return this.#synced;
  }

  /** The namespace's current rule set; after the initial sync, an empty one for unknown namespaces. */
  get(namespace: string): PublishedRuleSet | undefined {
    const found = this.#byNamespace.get(namespace);
    if (found !== undefined || !this.#synced) return found;
    this.publish(this.#options.emptyRuleSet(namespace));
    return this.#byNamespace.get(namespace);
  }

  namespaces(): string[] {
    return [...this.#byNamespace.keys()].sort();
  }

  /** Calls `listener` on every later publish for `namespace`; returns the unsubscribe function. */
  watch(namespace: string, listener: HubListener): () => void {
    let set = this.#listeners.get(namespace);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(namespace, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(namespace);
    };
  }

  #encode(ruleSet: RuleSet): PublishedRuleSet {
    const frame = Buffer.from(WatchResponse.encode({ ruleSet }).finish());
    return { ruleSet, frame, publishedAt: this.#options.now() };
  }
}
