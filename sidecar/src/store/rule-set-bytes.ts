// The wire bytes of a decoded RuleSet, encoded at most once per object: the store indexes them and
// the disk copy writes them, whichever asks first. Rule sets are values (never changed once built),
// so an object's encoding never goes stale; entries go away with their objects.
import { RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';

const encodings = new WeakMap<RuleSet, Uint8Array>();

export function ruleSetBytes(ruleSet: RuleSet): Uint8Array {
  let bytes = encodings.get(ruleSet);
  if (bytes === undefined) {
    bytes = RuleSet.encode(ruleSet).finish();
    encodings.set(ruleSet, bytes);
  }
  return bytes;
}

/** Records that `bytes` encode `ruleSet` (e.g. the file it was decoded from). */
export function rememberRuleSetBytes(ruleSet: RuleSet, bytes: Uint8Array): void {
  encodings.set(ruleSet, bytes);
}
