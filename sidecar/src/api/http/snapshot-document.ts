// The client-side snapshot of one namespace in Flipt v1's JSON shape (EvaluationNamespaceSnapshot
// as protojson with default values), rendered from a compiled RuleSet. Flipt's SDK engines evaluate
// from this document, so it carries every segment inline wherever it is used.
//
// Flipt's database ids do not exist here; ids are derived from keys and positions so they are
// unique and stable per revision. Created/updated timestamps are unset and therefore left out.
import { ConstraintType, FlagType, MatchType, SegmentOperator } from '@ensign/proto/ensign/sync/v1/sync.ts';
import type { Constraint, Flag, Rollout, Rule, RuleSet, Segment } from '@ensign/proto/ensign/sync/v1/sync.ts';
import type { SnapshotLevel } from './accept-server-version.ts';
import { float32Json } from './float32-json.ts';

type Json = Record<string, unknown>;

const CONSTRAINT_TYPES: Readonly<Record<number, string>> = {
  [ConstraintType.CONSTRAINT_TYPE_STRING]: 'STRING_CONSTRAINT_COMPARISON_TYPE',
  [ConstraintType.CONSTRAINT_TYPE_NUMBER]: 'NUMBER_CONSTRAINT_COMPARISON_TYPE',
  [ConstraintType.CONSTRAINT_TYPE_BOOLEAN]: 'BOOLEAN_CONSTRAINT_COMPARISON_TYPE',
  [ConstraintType.CONSTRAINT_TYPE_DATETIME]: 'DATETIME_CONSTRAINT_COMPARISON_TYPE',
  [ConstraintType.CONSTRAINT_TYPE_ENTITY_ID]: 'ENTITY_ID_CONSTRAINT_COMPARISON_TYPE',
};
const UNKNOWN_CONSTRAINT_TYPE = 'UNKNOWN_CONSTRAINT_COMPARISON_TYPE';

function segmentOperatorJson(op: SegmentOperator): string {
  return op === SegmentOperator.SEGMENT_OPERATOR_AND ? 'AND_SEGMENT_OPERATOR' : 'OR_SEGMENT_OPERATOR';
}

function constraintJson(segmentKey: string, c: Constraint, index: number, level: SnapshotLevel): Json {
  // Clients older than 1.38 do not know ENTITY_ID; they are told UNKNOWN, which never matches.
  const hidden = c.type === ConstraintType.CONSTRAINT_TYPE_ENTITY_ID && level < 1;
  return {
    id: `${segmentKey}/constraint/${index + 1}`,
    type: hidden ? UNKNOWN_CONSTRAINT_TYPE : (CONSTRAINT_TYPES[c.type] ?? UNKNOWN_CONSTRAINT_TYPE),
    property: c.property,
    operator: c.operator,
    value: c.value,
  };
}

function segmentJson(s: Segment, level: SnapshotLevel): Json {
  return {
    key: s.key,
    name: s.name,
    description: s.description,
    matchType: s.matchType === MatchType.MATCH_TYPE_ANY ? 'ANY_SEGMENT_MATCH_TYPE' : 'ALL_SEGMENT_MATCH_TYPE',
    constraints: s.constraints.map((c, i) => constraintJson(s.key, c, i, level)),
  };
}

interface RenderContext {
  readonly segments: ReadonlyMap<string, Json>;
}

function segmentsJson(keys: readonly string[], ctx: RenderContext, flagKey: string): Json[] {
  return keys.map((key) => {
    const segment = ctx.segments.get(key);
    // The compiler only emits rule sets whose references resolve; a gap here is a broken rule set.
    if (!segment) throw new Error(`flag "${flagKey}" references segment "${key}", which the rule set lacks`);
    return segment;
  });
}

function ruleJson(flag: Flag, rule: Rule, index: number, ctx: RenderContext): Json {
  const id = `${flag.key}/rule/${index + 1}`;
  const attachments = new Map(flag.variants.map((v) => [v.key, v.attachment]));
  return {
    id,
    segments: segmentsJson(rule.segmentKeys, ctx, flag.key),
    rank: index + 1,
    segmentOperator: segmentOperatorJson(rule.segmentOperator),
    distributions: rule.distributions.map((d, i) => ({
      id: `${id}/distribution/${i + 1}`,
      ruleId: id,
      variantId: `${flag.key}/variant/${d.variantKey}`,
      variantKey: d.variantKey,
      variantAttachment: attachments.get(d.variantKey) ?? '',
      rollout: float32Json(d.rollout),
    })),
  };
}

function rolloutJson(flag: Flag, rollout: Rollout, index: number, ctx: RenderContext): Json {
  const rank = index + 1;
  switch (rollout.kind?.$case) {
    case 'threshold':
      return {
        type: 'THRESHOLD_ROLLOUT_TYPE',
        rank,
        threshold: {
          percentage: float32Json(rollout.kind.value.percentage),
          value: rollout.kind.value.value,
        },
      };
    case 'segment':
      return {
        type: 'SEGMENT_ROLLOUT_TYPE',
        rank,
        segment: {
          value: rollout.kind.value.value,
          segmentOperator: segmentOperatorJson(rollout.kind.value.segmentOperator),
          segments: segmentsJson(rollout.kind.value.segmentKeys, ctx, flag.key),
        },
      };
    case undefined:
      return { type: 'UNKNOWN_ROLLOUT_TYPE', rank };
  }
}

function defaultVariantJson(flag: Flag): Json | undefined {
  if (flag.type !== FlagType.FLAG_TYPE_VARIANT || flag.defaultVariant === '') return undefined;
  const variant = flag.variants.find((v) => v.key === flag.defaultVariant);
  return {
    id: `${flag.key}/variant/${flag.defaultVariant}`,
    key: flag.defaultVariant,
    attachment: variant?.attachment ?? '',
  };
}

function flagJson(flag: Flag, level: SnapshotLevel, ctx: RenderContext): Json {
  const defaultVariant = level >= 2 ? defaultVariantJson(flag) : undefined;
  return {
    key: flag.key,
    name: flag.name,
    description: flag.description,
    enabled: flag.enabled,
    type: flag.type === FlagType.FLAG_TYPE_BOOLEAN ? 'BOOLEAN_FLAG_TYPE' : 'VARIANT_FLAG_TYPE',
    rules: flag.rules.map((rule, i) => ruleJson(flag, rule, i, ctx)),
    rollouts: flag.rollouts.map((rollout, i) => rolloutJson(flag, rollout, i, ctx)),
    ...(defaultVariant === undefined ? {} : { defaultVariant }),
  };
}

export function snapshotDocument(ruleSet: RuleSet, level: SnapshotLevel): Json {
  const ctx: RenderContext = {
    segments: new Map(ruleSet.segments.map((s) => [s.key, segmentJson(s, level)])),
  };
  return {
    namespace: { key: ruleSet.namespace },
    flags: ruleSet.flags.map((flag) => flagJson(flag, level, ctx)),
  };
}
