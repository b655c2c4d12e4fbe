// Reads only a WatchResponse's namespace and revision from its wire bytes. A hundred simulated
// sidecars share one benchmark process; fully decoding every 1,000-flag rule set on all of them
// would measure this process's CPU, not the operator's propagation.
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';

export interface RuleSetHeader {
  readonly namespace: string;
  readonly revision: string;
}

const LENGTH_DELIMITED = 2;
const WIRE_TYPES = [
  WireType.Varint,
  WireType.Bit64,
  WireType.LengthDelimited,
  WireType.StartGroup,
  WireType.EndGroup,
  WireType.Bit32,
] as const;

function wireType(tag: number): WireType {
  const type = WIRE_TYPES[tag & 7];
  if (type === undefined) throw new Error(`invalid wire type in tag ${tag}`);
  return type;
}

export function ruleSetHeader(watchResponse: Uint8Array): RuleSetHeader {
  const outer = new BinaryReader(watchResponse);
  while (outer.pos < outer.len) {
    const tag = outer.uint32();
    if (tag >>> 3 === 1 && (tag & 7) === LENGTH_DELIMITED) return headerFields(outer.bytes());
    outer.skip(wireType(tag));
  }
  return { namespace: '', revision: '' };
}

function headerFields(ruleSet: Uint8Array): RuleSetHeader {
  const reader = new BinaryReader(ruleSet);
  let namespace = '';
  let revision = '';
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    if (field === 1 && (tag & 7) === LENGTH_DELIMITED) namespace = reader.string();
    else if (field === 2 && (tag & 7) === LENGTH_DELIMITED) revision = reader.string();
    else reader.skip(wireType(tag));
  }
  return { namespace, revision };
}
