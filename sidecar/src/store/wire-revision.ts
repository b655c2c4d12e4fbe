// A rule set's revision is the SHA-256 of its encoding with `revision` empty (core/src/revision.ts).
// An encoding that carries its revision is that encoding plus the revision field, so hashing the
// bytes without the revision field gives the revision back — without decoding or re-encoding —
// whenever the bytes are the encoding that was hashed (the operator's, or a disk copy of it).
import { createHash } from 'node:crypto';
import { WireReader, lengthDelimitedTag } from '../engine/wire-reader.ts';

const REVISION = lengthDelimitedTag(2);

/** Hex SHA-256 of the rule set's bytes without their revision field; throws on malformed bytes. */
export function wireRevision(bytes: Uint8Array): string {
  const hash = createHash('sha256');
  const reader = new WireReader(bytes);
  const limit = bytes.length;
  let kept = 0;
  while (reader.pos < limit) {
    const fieldStart = reader.pos;
    const tag = reader.tag(limit);
    reader.skip(tag, limit);
    if (tag !== REVISION) continue;
    hash.update(bytes.subarray(kept, fieldStart));
    kept = reader.pos;
  }
  hash.update(bytes.subarray(kept, limit));
  return hash.digest('hex');
}
