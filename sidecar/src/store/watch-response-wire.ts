// The sync stream's WatchResponse carries one RuleSet (field 1). Reading the stream's frames as
// bytes and taking the RuleSet's bytes out of them lets the store index them directly — no
// ts-proto RuleSet is built, and the bytes it keeps are the operator's, revision hash and all.
// For the sync client: pass `(frame: Buffer) => frame` as the Watch call's response deserializer
// and hand `ruleSetWireOf(frame)` to `RuleSetStore.apply` and `DiskCache.save`.
import { WireReader, lengthDelimitedTag } from '../engine/wire-reader.ts';

const RULE_SET = lengthDelimitedTag(1);

/** The bytes of the RuleSet in an encoded WatchResponse (the last, as a decoder keeps), or undefined. */
export function ruleSetWireOf(watchResponse: Uint8Array): Uint8Array | undefined {
  const reader = new WireReader(watchResponse);
  const limit = watchResponse.length;
  let ruleSet: Uint8Array | undefined;
  while (reader.pos < limit) {
    const tag = reader.tag(limit);
    if (tag !== RULE_SET) {
      reader.skip(tag, limit);
      continue;
    }
    const end = reader.lengthEnd(limit);
    ruleSet = watchResponse.subarray(reader.pos, end);
    reader.pos = end;
  }
  return ruleSet;
}
