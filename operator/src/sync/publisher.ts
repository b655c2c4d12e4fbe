// What a rule-set source (the cluster controller or local mode) hands compiled rule sets to; the
// sync server's hub implements it.
import type { RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';

export interface RuleSetPublisher {
  /** The namespace's new current rule set (callers publish only when the revision changed). */
  publish(ruleSet: RuleSet): void;
  /** The namespace is no longer served at all. */
  remove?(namespace: string): void;
  /** The source's initial listing is complete: namespaces never published are known to be empty. */
  markSynced?(): void;
}
