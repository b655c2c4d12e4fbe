import { describe, expect, it } from 'vitest';
import { RuleSet, WatchResponse } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { ruleSetWireOf } from './watch-response-wire.ts';

describe('ruleSetWireOf', () => {
  it('returns exactly the encoding of the RuleSet a WatchResponse carries', () => {
    const ruleSet = RuleSet.fromPartial({ namespace: 'shop', revision: 'r1', flags: [{ key: 'a' }] });
    const frame = WatchResponse.encode({ ruleSet }).finish();
    const wire = ruleSetWireOf(frame);
    expect(wire).toEqual(RuleSet.encode(ruleSet).finish());
    expect(RuleSet.decode(wire ?? new Uint8Array())).toEqual(ruleSet);
  });

  it('returns undefined for a response without a rule set, and throws on a truncated frame', () => {
    expect(ruleSetWireOf(WatchResponse.encode({ ruleSet: undefined }).finish())).toBeUndefined();
    const frame = WatchResponse.encode({ ruleSet: RuleSet.fromPartial({ namespace: 'shop' }) }).finish();
    expect(() => ruleSetWireOf(frame.subarray(0, frame.length - 1))).toThrow();
  });
});
