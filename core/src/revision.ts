// A rule set's revision is the hex SHA-256 of its encoding with `revision` empty: equal content,
// equal revision, on every replica and after every restart.
import { createHash } from 'node:crypto';
import { RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';

export function computeRevision(ruleSet: RuleSet): string {
  const bytes = RuleSet.encode({ ...ruleSet, revision: '' }).finish();
  return createHash('sha256').update(bytes).digest('hex');
}

/** True when the rule set's revision matches its content (detects corrupt or tampered copies). */
export function hasValidRevision(ruleSet: RuleSet): boolean {
  return ruleSet.revision === computeRevision(ruleSet);
}
