import { describe, expect, it } from 'vitest';
import { RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { buildIndex } from '../engine/build-index.ts';
import { servedNamespace } from './served-namespace.ts';

const wire = RuleSet.encode(
  RuleSet.fromPartial({
    namespace: 'shop',
    revision: 'r1',
    flags: [{ key: 'a' }, { key: 'b' }],
    access: { namespaces: ['checkout'] },
  }),
).finish();

describe('servedNamespace', () => {
  it('carries the header, the flag count, the index and the bytes, and the header under `ruleSet`', () => {
    const served = servedNamespace(buildIndex(wire), wire);
    expect(served).toMatchObject({ namespace: 'shop', revision: 'r1', flagCount: 2 });
    expect(served.access?.namespaces).toEqual(['checkout']);
    expect(served.ruleSet).toEqual({ namespace: 'shop', revision: 'r1', access: served.access });
    expect(served.wire).toBe(wire);
    expect(served.index.flag('b')?.key).toBe('b');
  });

  it('copies bytes that are a view into a larger buffer, so the rest of it can be freed', () => {
    const frame = new Uint8Array(wire.length + 100);
    frame.set(wire, 50);
    const view = frame.subarray(50, 50 + wire.length);
    const served = servedNamespace(buildIndex(view), view);
    expect(served.wire).not.toBe(view);
    expect(served.wire.buffer.byteLength).toBe(wire.length);
    expect([...served.wire]).toEqual([...wire]);
  });
});
