// Encoded Flag → CompiledFlag, walking the wire bytes directly (no ts-proto objects). It checks what
// the contract promises and throws, naming the flag, on the first thing that is not so: unknown
// type or segment operator, duplicate variant, unknown default variant, a rule or rollout naming an
// unknown segment, a distribution naming an unknown variant. Checks run in the order the fields
// are listed in the contract, whatever their order on the wire, so the first problem reported is
// always the same one.

import { VARIANT_BUCKETS, distributionThresholds } from './bucket.ts';
import { CRC32_INIT, crc32Update } from './crc32.ts';
import { FlagFields, NestedField, locate } from './flag-fields.ts';
import { FlagShapes, UNBUILT_BOOLEAN_RESULTS, UNBUILT_VARIANT_RESULTS } from './flag-shapes.ts';
import type {
  CompiledFlag,
  CompiledRollout,
  CompiledRule,
  CompiledSegment,
  FlagShape,
  SegmentGroup,
} from './namespace-index.ts';
import type { EvaluationReason } from './outcome.ts';
import { NO_SEGMENT_KEYS, type BooleanTemplate, type VariantTemplate } from './results.ts';
import { StringTable } from './string-table.ts';
import { StructurePool } from './structure-pool.ts';
import { WireReader, decodeUtf8 } from './wire-reader.ts';

// Values of the contract's enums (FlagType, SegmentOperator).
const FLAG_TYPE_VARIANT = 0;
const FLAG_TYPE_BOOLEAN = 1;
const SEGMENT_OPERATOR_OR = 0;
const SEGMENT_OPERATOR_AND = 1;

const NO_VARIANT_TEMPLATES: readonly VariantTemplate[] = [];
const NO_BOOLEAN_TEMPLATES: readonly BooleanTemplate[] = [];
const NO_METADATA: Readonly<Record<string, string>> = Object.freeze({});
const NO_VARIANT = -1;

/** A rule or rollout of the flag being compiled, numbered from 1 as messages name it. */
interface Part {
  readonly kind: 'rule' | 'rollout';
  readonly number: number;
}

const NO_SEGMENTS: ReadonlyMap<string, CompiledSegment> = new Map();

/**
 * Compiles the flags of one rule set at a time (`start` … `finish`), reused from one rule set to the
 * next: V8 discards optimised code whose objects' hidden classes die in a full GC, and helpers
 * rebuilt per rule set would die with every build and take the build's optimised code with them.
 */
export class FlagCompiler {
  readonly #reader = new WireReader();
  #segments = NO_SEGMENTS;
  readonly #pool = new StructurePool();
  #where = '';
  readonly #strings = new StringTable();
  readonly #shapes = new FlagShapes();
  readonly #fields = new FlagFields();
  // Scratch space reused flag after flag (the pool and the results copy what they keep).
  readonly #variantKeys: string[] = [];
  readonly #variantAttachments: string[] = [];
  readonly #groupKeys: string[] = [];
  readonly #groupSegments: CompiledSegment[] = [];
  readonly #distributions: number[] = [];
  readonly #positiveVariants: number[] = [];
  readonly #positiveRollouts: number[] = [];
  readonly #rules: CompiledRule[] = [];
  readonly #rollouts: CompiledRollout[] = [];
  readonly #variantTemplates: VariantTemplate[] = [];
  readonly #booleanTemplates: BooleanTemplate[] = [];
  #key = '';

  /** Starts on a rule set; `where` names it in messages, e.g. `rule set of namespace "shop"`. */
  start(bytes: Uint8Array, segments: ReadonlyMap<string, CompiledSegment>, where: string): void {
    this.#reader.reset(bytes);
    this.#segments = segments;
    this.#where = where;
  }

  /** Lets go of everything of the rule set (its bytes, shared structures, strings). */
  finish(): void {
    this.#reader.reset(new Uint8Array(0));
    this.#segments = NO_SEGMENTS;
    this.#pool.clear();
    this.#strings.clear();
    this.#shapes.clear();
    this.#key = '';
    this.#variantKeys.length = this.#variantAttachments.length = this.#groupKeys.length = 0;
    this.#groupSegments.length = this.#rules.length = this.#rollouts.length = 0;
    this.#variantTemplates.length = this.#booleanTemplates.length = 0;
  }

  /** The key of the Flag message at [start, end), read into this compiler's state for `compile`. */
  readKey(start: number, end: number): string {
    const reader = this.#reader;
    reader.pos = start;
    const fields = this.#fields;
    fields.read(reader, end);
    this.#key = decodeUtf8(reader.buf, fields.keyStart, fields.keyEnd);
    return this.#key;
  }

  /** Compiles the flag last read by `readKey`. */
  compile(): CompiledFlag {
    const fields = this.#fields;
    const key = this.#key;
    const buf = this.#reader.buf;
    const hasShape = fields.shapeStart >= 0;
    const known = hasShape ? this.#shapes.find(buf, fields.shapeStart, fields.shapeEnd) : undefined;
    const shape = known ?? this.#compileShape();
    if (known === undefined && hasShape) this.#shapes.remember(fields.shapeStart, fields.shapeEnd, shape);
    return {
      key,
      type: shape.type,
      enabled: shape.enabled,
      metadata: this.#metadata(),
      keyState: crc32Update(CRC32_INIT, key),
      rules: shape.rules,
      rollouts: shape.rollouts,
      shape,
      variantResults: UNBUILT_VARIANT_RESULTS,
      booleanResults: UNBUILT_BOOLEAN_RESULTS,
    };
  }

  #compileShape(): FlagShape {
    const fields = this.#fields;
    if (fields.type !== FLAG_TYPE_VARIANT && fields.type !== FLAG_TYPE_BOOLEAN) {
      throw new Error(`${this.#flagWhere()} has unknown flag type ${fields.type}`);
    }
    const isBoolean = fields.type === FLAG_TYPE_BOOLEAN;
    this.#readVariants();
    const base = this.#defaultVariant();
    return {
      type: isBoolean ? 'boolean' : 'variant',
      enabled: fields.enabled,
      rules: isBoolean ? this.#pool.rules([]) : this.#compileRules(base),
      rollouts: isBoolean ? this.#compileRollouts() : this.#pool.rollouts([]),
      variantTemplates: isBoolean ? NO_VARIANT_TEMPLATES : this.#variantTemplates.slice(),
      booleanTemplates: isBoolean ? this.#booleanTemplates.slice() : NO_BOOLEAN_TEMPLATES,
    };
  }

  #flagWhere(): string {
    return `${this.#where}: flag "${this.#key}"`;
  }

  #readVariants(): void {
    const reader = this.#reader;
    const ranges = this.#fields.variants;
    const keys = this.#variantKeys;
    const attachments = this.#variantAttachments;
    keys.length = attachments.length = 0;
    // A Set only for long lists: most flags have a handful of variants.
    const seen = ranges.length > 32 ? new Set<string>() : undefined;
    for (let i = 0; i < ranges.length; i += 2) {
      const end = ranges[i + 1] as number;
      reader.pos = ranges[i] as number;
      let key = '';
      let attachment = '';
      while (reader.pos < end) {
        const tag = reader.tag(end);
        if (tag === NestedField.FIRST_STRING) key = this.#string(end);
        else if (tag === NestedField.VARIANT_ATTACHMENT) attachment = this.#string(end);
        else reader.skip(tag, end);
      }
      if (seen === undefined ? keys.includes(key) : seen.has(key)) {
        throw new Error(`${this.#flagWhere()}: variant "${key}" appears twice`);
      }
      seen?.add(key);
      keys.push(key);
      attachments.push(attachment);
    }
  }

  /** Index of the default variant in the variant list, or NO_VARIANT. */
  #defaultVariant(): number {
    const fields = this.#fields;
    if (fields.defaultEnd === fields.defaultStart) return NO_VARIANT;
    const name = this.#strings.text(this.#reader.buf, fields.defaultStart, fields.defaultEnd);
    const index = this.#variantKeys.indexOf(name);
    if (index < 0)
      throw new Error(`${this.#flagWhere()}: default variant "${name}" is not one of its variants`);
    return index;
  }

  #metadata(): Readonly<Record<string, string>> {
    const ranges = this.#fields.metadata;
    if (ranges.length === 0) return NO_METADATA;
    const reader = this.#reader;
    const metadata: Record<string, string> = {};
    for (let i = 0; i < ranges.length; i += 2) {
      const end = ranges[i + 1] as number;
      reader.pos = ranges[i] as number;
      let key = '';
      let value = '';
      while (reader.pos < end) {
        const tag = reader.tag(end);
        if (tag === NestedField.FIRST_STRING) key = this.#string(end);
        else if (tag === NestedField.MAP_VALUE) value = this.#string(end);
        else reader.skip(tag, end);
      }
      metadata[key] = value;
    }
    return Object.freeze(metadata);
  }

  #string(limit: number): string {
    const reader = this.#reader;
    const end = reader.lengthEnd(limit);
    const text = this.#strings.text(reader.buf, reader.pos, end);
    reader.pos = end;
    return text;
  }

  #variantTemplate(
    match: boolean,
    reason: EvaluationReason,
    variant: number,
    segmentKeys: readonly string[],
  ): VariantTemplate {
    const none = variant === NO_VARIANT;
    return {
      match,
      reason,
      variantKey: none ? '' : (this.#variantKeys[variant] as string),
      variantAttachment: none ? '' : (this.#variantAttachments[variant] as string),
      segmentKeys,
    };
  }

  // A disabled flag answers FLAG_DISABLED before any rule, so its rules are checked and shared but
  // get no results.
  #compileRules(base: number): readonly CompiledRule[] {
    const enabled = this.#fields.enabled;
    const baseReason: EvaluationReason = base === NO_VARIANT ? 'UNKNOWN' : 'DEFAULT';
    const results = this.#variantTemplates;
    results.length = 0;
    results.push(this.#variantTemplate(false, enabled ? baseReason : 'FLAG_DISABLED', base, NO_SEGMENT_KEYS));
    const rules = this.#rules;
    rules.length = 0;
    const ranges = this.#fields.rules;
    let nextResult = 1;
    for (let i = 0; i < ranges.length; i += 2) {
      const part: Part = { kind: 'rule', number: i / 2 + 1 };
      const group = this.#readRule(ranges[i] as number, ranges[i + 1] as number, part);
      const positive = this.#positiveDistributions(part);
      const thresholds = this.#pool.thresholds(distributionThresholds(this.#positiveRollouts));
      rules.push(this.#pool.rule(group, thresholds, nextResult));
      const last = thresholds[thresholds.length - 1];
      const fallback = last === undefined || last < VARIANT_BUCKETS;
      nextResult += positive + (fallback ? 1 : 0);
      if (!enabled) continue;
      for (const variant of this.#positiveVariants) {
        results.push(this.#variantTemplate(true, 'MATCH', variant, group.allKeys));
      }
      if (last === undefined) results.push(this.#variantTemplate(true, 'MATCH', base, group.allKeys));
      else if (fallback) results.push(this.#variantTemplate(false, baseReason, base, group.allKeys));
    }
    return this.#pool.rules(rules);
  }

  /** Reads a Rule: its segment group, and its distributions into `#distributions`. */
  #readRule(start: number, end: number, part: Part): SegmentGroup {
    const reader = this.#reader;
    const keys = this.#groupKeys;
    const distributions = this.#distributions;
    keys.length = distributions.length = 0;
    let operator = SEGMENT_OPERATOR_OR;
    reader.pos = start;
    while (reader.pos < end) {
      const tag = reader.tag(end);
      if (tag === NestedField.FIRST_STRING) keys.push(this.#string(end));
      else if (tag === NestedField.RULE_OPERATOR) operator = reader.int32(end);
      else if (tag === NestedField.RULE_DISTRIBUTIONS) locate(reader, end, distributions);
      else reader.skip(tag, end);
    }
    return this.#group(operator, part);
  }

  #partWhere(part: Part): string {
    return `${this.#flagWhere()} ${part.kind} ${part.number}`;
  }

  /** Resolves `#groupKeys` under `operator` to a shared group. */
  #group(operator: number, part: Part): SegmentGroup {
    if (operator !== SEGMENT_OPERATOR_OR && operator !== SEGMENT_OPERATOR_AND) {
      throw new Error(`${this.#partWhere(part)} has unknown segment operator ${operator}`);
    }
    const segments = this.#groupSegments;
    segments.length = 0;
    for (const key of this.#groupKeys) {
      const segment = this.#segments.get(key);
      if (segment === undefined) {
        throw new Error(`${this.#partWhere(part)} references unknown segment "${key}"`);
      }
      segments.push(segment);
    }
    return this.#pool.group(operator === SEGMENT_OPERATOR_AND, segments);
  }

  // Flipt drops distributions whose float32 rollout is not above 0 before bucketing.
  /** Fills `#positiveVariants` / `#positiveRollouts` from `#distributions`; returns how many. */
  #positiveDistributions(rule: Part): number {
    const reader = this.#reader;
    const ranges = this.#distributions;
    const variants = this.#positiveVariants;
    const rollouts = this.#positiveRollouts;
    variants.length = rollouts.length = 0;
    for (let i = 0; i < ranges.length; i += 2) {
      const end = ranges[i + 1] as number;
      reader.pos = ranges[i] as number;
      let key = '';
      let rollout = 0;
      while (reader.pos < end) {
        const tag = reader.tag(end);
        if (tag === NestedField.FIRST_STRING) key = this.#string(end);
        else if (tag === NestedField.DISTRIBUTION_ROLLOUT) rollout = reader.float(end);
        else reader.skip(tag, end);
      }
      const variant = this.#variantKeys.indexOf(key);
      if (variant < 0) {
        throw new Error(`${this.#partWhere(rule)} distribution ${i / 2 + 1} names unknown variant "${key}"`);
      }
      if (Math.fround(rollout) > 0) {
        variants.push(variant);
        rollouts.push(rollout);
      }
    }
    return variants.length;
  }

  // Flipt decides a rollout by the payload it carries (the last one on the wire, as ts-proto reads a
  // oneof) and skips one with neither.
  #compileRollouts(): readonly CompiledRollout[] {
    const reader = this.#reader;
    const results = this.#booleanTemplates;
    results.length = 0;
    results.push({ enabled: this.#fields.enabled, reason: 'DEFAULT', segmentKeys: NO_SEGMENT_KEYS });
    const rollouts = this.#rollouts;
    rollouts.length = 0;
    const ranges = this.#fields.rollouts;
    for (let i = 0; i < ranges.length; i += 2) {
      const end = ranges[i + 1] as number;
      reader.pos = ranges[i] as number;
      let kindTag = 0;
      let kindStart = 0;
      let kindEnd = 0;
      while (reader.pos < end) {
        const tag = reader.tag(end);
        if (tag === NestedField.ROLLOUT_THRESHOLD || tag === NestedField.ROLLOUT_SEGMENT) {
          kindTag = tag;
          kindEnd = reader.lengthEnd(end);
          kindStart = reader.pos;
          reader.pos = kindEnd;
        } else reader.skip(tag, end);
      }
      if (kindTag === NestedField.ROLLOUT_THRESHOLD) this.#thresholdRollout(kindStart, kindEnd);
      else if (kindTag === NestedField.ROLLOUT_SEGMENT) {
        this.#segmentRollout(kindStart, kindEnd, { kind: 'rollout', number: i / 2 + 1 });
      }
    }
    return this.#pool.rollouts(rollouts);
  }

  #thresholdRollout(start: number, end: number): void {
    const reader = this.#reader;
    reader.pos = start;
    let percentage = 0;
    let value = false;
    while (reader.pos < end) {
      const tag = reader.tag(end);
      if (tag === NestedField.THRESHOLD_PERCENTAGE) percentage = reader.float(end);
      else if (tag === NestedField.THRESHOLD_VALUE) value = reader.bool(end);
      else reader.skip(tag, end);
    }
    this.#rollouts.push(this.#pool.thresholdRollout(Math.fround(percentage)));
    this.#booleanTemplates.push({ enabled: value, reason: 'MATCH', segmentKeys: NO_SEGMENT_KEYS });
  }

  #segmentRollout(start: number, end: number, part: Part): void {
    const reader = this.#reader;
    const keys = this.#groupKeys;
    keys.length = 0;
    reader.pos = start;
    let operator = SEGMENT_OPERATOR_OR;
    let value = false;
    while (reader.pos < end) {
      const tag = reader.tag(end);
      if (tag === NestedField.FIRST_STRING) keys.push(this.#string(end));
      else if (tag === NestedField.SEGMENT_ROLLOUT_OPERATOR) operator = reader.int32(end);
      else if (tag === NestedField.SEGMENT_ROLLOUT_VALUE) value = reader.bool(end);
      else reader.skip(tag, end);
    }
    const group = this.#group(operator, part);
    this.#rollouts.push(this.#pool.segmentRollout(group));
    this.#booleanTemplates.push({ enabled: value, reason: 'MATCH', segmentKeys: group.allKeys });
  }
}
