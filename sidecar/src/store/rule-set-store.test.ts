import { describe, expect, it } from 'vitest';
import { FlagType, RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { buildIndex } from '../engine/build-index.ts';
import { ruleSetBytes } from './rule-set-bytes.ts';
import { RuleSetStore } from './rule-set-store.ts';

function ruleSet(namespace: string, revision: string, enabled: boolean): RuleSet {
  return RuleSet.fromPartial({
    namespace,
    revision,
    flags: [{ key: 'kill', type: FlagType.FLAG_TYPE_BOOLEAN, enabled }],
    access: { namespaces: ['checkout'] },
  });
}

function storeOf(namespaces = ['shop']) {
  let now = 1_000;
  const store = new RuleSetStore({ defaultNamespace: 'shop', namespaces, buildIndex, now: () => now++ });
  return store;
}

describe('RuleSetStore', () => {
  it('serves a rule set applied as wire bytes, keeping the bytes and no decoded RuleSet', () => {
    const store = storeOf();
    const wire = RuleSet.encode(ruleSet('shop', 'r1', true)).finish();
    expect(store.apply(wire)).toEqual({ ok: true, changed: true });
    const served = store.get('shop');
    expect(served).toMatchObject({ namespace: 'shop', revision: 'r1', flagCount: 1, appliedAt: 1_000 });
    expect(served?.wire).toBe(wire);
    expect(served?.index.ruleSet).toBeUndefined();
    expect(served?.index.flag('kill')?.enabled).toBe(true);
    expect(served?.access?.namespaces).toEqual(['checkout']);
    expect(served?.ruleSet.access?.namespaces).toEqual(['checkout']);
    expect(store.revisions()).toEqual({ shop: 'r1' });
  });

  it('serves a decoded rule set from its encoding, encoded once and shared with the disk copy', () => {
    const store = storeOf();
    const decoded = ruleSet('shop', 'r1', false);
    expect(store.apply(decoded)).toEqual({ ok: true, changed: true });
    const served = store.get('shop');
    expect(served?.wire).toBe(ruleSetBytes(decoded));
    expect(RuleSet.decode(served?.wire ?? new Uint8Array())).toEqual(decoded);
    expect(served?.index.ruleSet).toBeUndefined();
  });

  it('skips a revision it already serves and refuses a namespace it does not serve', () => {
    const store = storeOf();
    store.apply(ruleSet('shop', 'r1', true));
    const first = store.get('shop');
    expect(store.apply(RuleSet.encode(ruleSet('shop', 'r1', false)).finish())).toEqual({
      ok: true,
      changed: false,
    });
    expect(store.get('shop')).toBe(first);
    expect(store.apply(ruleSet('other', 'r1', true))).toEqual({
      ok: false,
      error: 'namespace "other" is not served by this sidecar',
    });
  });

  it('keeps serving the last good rule set when the next one is inconsistent or not a rule set', () => {
    const store = storeOf();
    store.apply(ruleSet('shop', 'r1', true));
    const broken = RuleSet.fromPartial({
      namespace: 'shop',
      revision: 'r2',
      flags: [{ key: 'f', rules: [{ segmentKeys: ['ghost'] }] }],
    });
    const rejected = store.apply(broken);
    expect(rejected).toEqual({
      ok: false,
      error: 'rule set of namespace "shop": flag "f" rule 1 references unknown segment "ghost"',
    });
    const garbage = store.apply(Uint8Array.of(0x0a, 0x09, 0x73));
    expect(garbage.ok).toBe(false);
    if (!garbage.ok) expect(garbage.error).toMatch(/^not a rule set: /);
    expect(store.get('shop')?.revision).toBe('r1');
    expect(store.get('shop')?.index.flag('kill')?.enabled).toBe(true);
  });

  it('is ready once every served namespace has a rule set, and tells listeners of each swap', () => {
    const store = storeOf(['b', 'a']);
    const applied: string[] = [];
    store.onApplied((ns) => applied.push(`${ns.namespace}@${ns.revision}`));
    expect(store.namespaces).toEqual(['a', 'b']);
    store.apply(ruleSet('a', 'r1', true));
    expect(store.isReady()).toBe(false);
    expect(store.missing()).toEqual(['b']);
    store.apply(RuleSet.encode(ruleSet('b', 'r7', true)).finish());
    expect(store.isReady()).toBe(true);
    expect(applied).toEqual(['a@r1', 'b@r7']);
    expect(store.all().map((s) => s.namespace)).toEqual(['a', 'b']);
  });
});
