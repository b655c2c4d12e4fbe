import { describe, expect, it } from 'vitest';
import { RuleSet, WatchResponse } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { computeRevision } from '@ensign/core/revision.ts';
import { RuleSetHub } from './rule-set-hub.ts';

function ruleSet(namespace: string, flagKeys: string[]): RuleSet {
  const set = RuleSet.fromPartial({ namespace, flags: flagKeys.map((key) => ({ key, name: key })) });
  return { ...set, revision: computeRevision(set) };
}

function hub(): RuleSetHub {
  let t = 1000;
  return new RuleSetHub({ emptyRuleSet: (ns) => ruleSet(ns, []), now: () => t++ });
}

describe('RuleSetHub', () => {
  it('notifies watchers of a namespace once per new revision and ignores republishing it', () => {
    const h = hub();
    const seen: string[] = [];
    h.watch('shop', (ns, published) => seen.push(`${ns}:${published.ruleSet.flags.length}`));
    expect(h.publish(ruleSet('shop', ['a']))).toBe(true);
    expect(h.publish(ruleSet('shop', ['a']))).toBe(false);
    expect(h.publish(ruleSet('other', ['x']))).toBe(true);
    expect(h.publish(ruleSet('shop', ['a', 'b']))).toBe(true);
    expect(seen).toEqual(['shop:1', 'shop:2']);
  });

  it('stores the encoded WatchResponse so streams write the same bytes', () => {
    const h = hub();
    const set = ruleSet('shop', ['a']);
    h.publish(set);
    const published = h.get('shop');
    expect(published).toBeDefined();
    expect(WatchResponse.decode(published?.frame ?? Buffer.alloc(0)).ruleSet).toEqual(set);
  });

  it('answers unknown namespaces only after the initial sync, with an empty rule set', () => {
    const h = hub();
    const seen: number[] = [];
    h.watch('quiet', (_ns, p) => seen.push(p.ruleSet.flags.length));
    expect(h.get('quiet')).toBeUndefined();
    h.markSynced();
    expect(seen).toEqual([0]);
    expect(h.get('never-watched')?.ruleSet.flags).toEqual([]);
  });

  it('stops notifying after unwatch', () => {
    const h = hub();
    let calls = 0;
    const unwatch = h.watch('shop', () => calls++);
    h.publish(ruleSet('shop', ['a']));
    unwatch();
    h.publish(ruleSet('shop', ['b']));
    expect(calls).toBe(1);
  });
});
