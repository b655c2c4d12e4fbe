import { describe, expect, it } from 'vitest';
import { WatchResponse } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { workloadRuleSet } from './ensign-rule-set.ts';
import { ruleSetHeader } from './rule-set-header.ts';

describe('ruleSetHeader', () => {
  it('reads the namespace and revision of an encoded WatchResponse as the full decoder does', () => {
    const ruleSet = { ...workloadRuleSet(10), namespace: 'bench-ns', revision: 'abc123' };
    const bytes = WatchResponse.encode({ ruleSet }).finish();
    expect(ruleSetHeader(bytes)).toEqual({ namespace: 'bench-ns', revision: 'abc123' });
    expect(WatchResponse.decode(bytes).ruleSet?.revision).toBe('abc123');
  });

  it('returns empty strings for a response without a rule set', () => {
    expect(ruleSetHeader(new Uint8Array())).toEqual({ namespace: '', revision: '' });
  });
});
