// The fields of one encoded Flag message (proto/ensign/sync/v1/sync.proto), read in one pass into a
// reusable record: scalars decoded, nested messages located by offsets for the compiler to walk in
// its own order. Singular fields keep their last value and unknown fields are skipped, as ts-proto's
// decoder does; name and description are skipped unread (the snapshot API decodes them itself).

import type { WireReader } from './wire-reader.ts';
import { fixed32Tag, lengthDelimitedTag, varintTag } from './wire-reader.ts';

export const FlagField = {
  KEY: lengthDelimitedTag(1),
  TYPE: varintTag(4),
  ENABLED: varintTag(5),
  VARIANTS: lengthDelimitedTag(6),
  DEFAULT_VARIANT: lengthDelimitedTag(7),
  RULES: lengthDelimitedTag(8),
  ROLLOUTS: lengthDelimitedTag(9),
  METADATA: lengthDelimitedTag(10),
} as const;

/** Field tags of the messages nested in a Flag. */
export const NestedField = {
  /** Variant.key, Rule.segment_keys, Distribution.variant_key, SegmentRollout.segment_keys, map key. */
  FIRST_STRING: lengthDelimitedTag(1),
  VARIANT_ATTACHMENT: lengthDelimitedTag(4),
  RULE_OPERATOR: varintTag(2),
  RULE_DISTRIBUTIONS: lengthDelimitedTag(3),
  DISTRIBUTION_ROLLOUT: fixed32Tag(2),
  ROLLOUT_THRESHOLD: lengthDelimitedTag(1),
  ROLLOUT_SEGMENT: lengthDelimitedTag(2),
  THRESHOLD_PERCENTAGE: fixed32Tag(1),
  THRESHOLD_VALUE: varintTag(2),
  SEGMENT_ROLLOUT_OPERATOR: varintTag(2),
  SEGMENT_ROLLOUT_VALUE: varintTag(3),
  MAP_VALUE: lengthDelimitedTag(2),
} as const;

// Fields that belong to one flag only; every other field (type, enabled, variants, default variant,
// rules, rollouts, and unknown ones) makes up the flag's shape.
const NAME = lengthDelimitedTag(2);
const DESCRIPTION = lengthDelimitedTag(3);

/** One Flag's top-level fields; nested messages as [start, end) offset pairs. Reused flag after flag. */
export class FlagFields {
  /**
   * Where the flag's shape is on the wire: every field but key, name, description and metadata,
   * when they form one run of bytes (as an encoder writes them, in field order); otherwise
   * `shapeStart` is -1. Flags whose shapes are equal bytes compile to the same structure.
   */
  shapeStart = 0;
  shapeEnd = 0;
  keyStart = 0;
  keyEnd = 0;
  type = 0;
  enabled = false;
  defaultStart = 0;
  defaultEnd = 0;
  readonly variants: number[] = [];
  readonly rules: number[] = [];
  readonly rollouts: number[] = [];
  readonly metadata: number[] = [];

  /** Reads the Flag message at `reader.pos` up to `end`. */
  read(reader: WireReader, end: number): void {
    this.keyStart = this.keyEnd = this.defaultStart = this.defaultEnd = 0;
    this.type = 0;
    this.enabled = false;
    this.variants.length = this.rules.length = this.rollouts.length = this.metadata.length = 0;
    let shapeStart = -1;
    let shapeEnd = -1;
    let gap = false;
    let broken = false;
    while (reader.pos < end) {
      const fieldStart = reader.pos;
      const tag = reader.tag(end);
      this.#readField(reader, end, tag);
      if (tag === FlagField.KEY || tag === NAME || tag === DESCRIPTION || tag === FlagField.METADATA) {
        gap = shapeStart >= 0;
        continue;
      }
      if (shapeStart < 0) shapeStart = fieldStart;
      broken ||= gap;
      shapeEnd = reader.pos;
    }
    this.shapeStart = broken ? -1 : Math.max(shapeStart, 0);
    this.shapeEnd = Math.max(shapeEnd, 0);
  }

  #readField(reader: WireReader, end: number, tag: number): void {
    switch (tag) {
      case FlagField.KEY:
        this.keyEnd = reader.lengthEnd(end);
        this.keyStart = reader.pos;
        reader.pos = this.keyEnd;
        break;
      case FlagField.TYPE:
        this.type = reader.int32(end);
        break;
      case FlagField.ENABLED:
        this.enabled = reader.bool(end);
        break;
      case FlagField.DEFAULT_VARIANT:
        this.defaultEnd = reader.lengthEnd(end);
        this.defaultStart = reader.pos;
        reader.pos = this.defaultEnd;
        break;
      case FlagField.VARIANTS:
        locate(reader, end, this.variants);
        break;
      case FlagField.RULES:
        locate(reader, end, this.rules);
        break;
      case FlagField.ROLLOUTS:
        locate(reader, end, this.rollouts);
        break;
      case FlagField.METADATA:
        locate(reader, end, this.metadata);
        break;
      default:
        reader.skip(tag, end);
    }
  }
}

/** Records the [start, end) of the length-delimited value at `reader.pos` and moves past it. */
export function locate(reader: WireReader, limit: number, into: number[]): void {
  const end = reader.lengthEnd(limit);
  into.push(reader.pos, end);
  reader.pos = end;
}
