// The top level of a RuleSet's wire bytes: its header fields decoded, its flags and segments
// located but not decoded. Field numbers are those of proto/ensign/sync/v1/sync.proto; repeated
// singular fields keep the last value, as ts-proto's decoder does.

import { Access } from '@ensign/proto/ensign/sync/v1/sync.ts';
import type { RuleSetHeader } from './namespace-index.ts';
import { WireReader, lengthDelimitedTag } from './wire-reader.ts';

const NAMESPACE = lengthDelimitedTag(1);
const REVISION = lengthDelimitedTag(2);
const FLAGS = lengthDelimitedTag(3);
const SEGMENTS = lengthDelimitedTag(4);
const ACCESS = lengthDelimitedTag(5);

export interface RuleSetLayout extends RuleSetHeader {
  /** Start and end offsets of each Flag message, in order: [start0, end0, start1, end1, …]. */
  readonly flags: readonly number[];
  /** Start and end offsets of each Segment message, in order. */
  readonly segments: readonly number[];
}

/** Decodes the header and locates the flags and segments; throws on malformed bytes. */
export function readRuleSetLayout(bytes: Uint8Array): RuleSetLayout {
  const reader = new WireReader(bytes);
  const limit = bytes.length;
  let namespace = '';
  let revision = '';
  let access: Access | undefined;
  const flags: number[] = [];
  const segments: number[] = [];
  while (reader.pos < limit) {
    const tag = reader.tag(limit);
    if (tag === FLAGS || tag === SEGMENTS) {
      const end = reader.lengthEnd(limit);
      (tag === FLAGS ? flags : segments).push(reader.pos, end);
      reader.pos = end;
    } else if (tag === NAMESPACE) {
      namespace = reader.string(limit);
    } else if (tag === REVISION) {
      revision = reader.string(limit);
    } else if (tag === ACCESS) {
      const end = reader.lengthEnd(limit);
      access = Access.decode(bytes.subarray(reader.pos, end));
      reader.pos = end;
    } else {
      reader.skip(tag, limit);
    }
  }
  return { namespace, revision, access, flags, segments };
}

/** The namespace, revision and access of an encoded rule set, plus its flag count. */
export function readRuleSetHeader(bytes: Uint8Array): RuleSetHeader & { readonly flagCount: number } {
  const { namespace, revision, access, flags } = readRuleSetLayout(bytes);
  return { namespace, revision, access, flagCount: flags.length / 2 };
}
