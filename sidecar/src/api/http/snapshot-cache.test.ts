import { describe, expect, it } from 'vitest';
import { RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { createSnapshotCache, snapshotEtag, type SnapshotSource } from './snapshot-cache.ts';

/** A rule set as a served namespace holds it: by its wire bytes. */
function sourceOf(ruleSet: RuleSet): SnapshotSource {
  return { namespace: ruleSet.namespace, revision: ruleSet.revision, wire: RuleSet.encode(ruleSet).finish() };
}

describe('snapshot cache', () => {
  it('derives the ETag as hex SHA-1 of the revision (Flipt’s example: "etag")', () => {
    expect(snapshotEtag('etag')).toBe('92e200311a56800b3e475bf2d2442724535e87bf');
  });

  it('renders each level of a revision once and returns the same bytes afterwards', () => {
    const cache = createSnapshotCache();
    const ruleSet = sourceOf(
      RuleSet.fromPartial({
        namespace: 'shop',
        revision: 'r1',
        flags: [{ key: 'a', name: 'a' }],
      }),
    );
    const first = cache.get(ruleSet, 2);
    expect(cache.get(ruleSet, 2).body).toBe(first.body);
    expect(cache.get(ruleSet, 0).body).not.toBe(first.body);
    expect(JSON.parse(first.body.toString())).toMatchObject({
      namespace: { key: 'shop' },
      flags: [{ key: 'a' }],
    });
  });

  it('renders a new revision afresh', () => {
    const cache = createSnapshotCache();
    const r1 = sourceOf(RuleSet.fromPartial({ namespace: 'shop', revision: 'r1', flags: [{ key: 'a' }] }));
    const r2 = sourceOf(RuleSet.fromPartial({ namespace: 'shop', revision: 'r2', flags: [{ key: 'b' }] }));
    expect(cache.get(r1, 2).etag).not.toBe(cache.get(r2, 2).etag);
    expect(JSON.parse(cache.get(r2, 2).body.toString())).toMatchObject({ flags: [{ key: 'b' }] });
  });
});
