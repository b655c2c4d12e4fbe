import { BinaryWriter } from '@bufbuild/protobuf/wire';
import { describe, expect, it } from 'vitest';
import { computeRevision } from '@ensign/core/revision.ts';
import { RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { wireRevision } from './wire-revision.ts';

const draft = RuleSet.fromPartial({
  namespace: 'shop',
  flags: [{ key: 'a', enabled: true, metadata: { team: 'web' } }],
  segments: [{ key: 's' }],
  access: { namespaces: ['checkout'] },
});
const hashed: RuleSet = { ...draft, revision: computeRevision(draft) };

describe('wireRevision', () => {
  it('is the revision of the encoding that carries it, without decoding', () => {
    expect(wireRevision(RuleSet.encode(hashed).finish())).toBe(hashed.revision);
    expect(wireRevision(RuleSet.encode(draft).finish())).toBe(hashed.revision);
  });

  it('differs for other bytes of the same content (an unknown field), and for other content', () => {
    const withUnknown = new BinaryWriter();
    withUnknown
      .raw(RuleSet.encode(hashed).finish())
      .uint32(8 * 20)
      .int32(1);
    expect(wireRevision(withUnknown.finish())).not.toBe(hashed.revision);
    expect(wireRevision(RuleSet.encode({ ...hashed, namespace: 'other' }).finish())).not.toBe(
      hashed.revision,
    );
  });

  it('throws on bytes that are not protobuf', () => {
    expect(() => wireRevision(Uint8Array.of(0x12, 0x09, 0x61))).toThrow();
  });
});
