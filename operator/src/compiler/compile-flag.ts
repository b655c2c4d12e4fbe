// Flag resource → sync.v1 Flag. Checks everything the rule-set contract promises the engine
// (variants exist, rollouts are percentages summing to at most 100, segments exist and are valid),
// whether or not the schema already did.
import {
  FlagType,
  SegmentOperator,
  type Distribution,
  type Flag,
  type Rollout,
  type Rule,
  type Variant,
} from '@ensign/proto/ensign/sync/v1/sync.ts';
import type { Flag as FlagResource, Rollout as RolloutSpec, Rule as RuleSpec } from '../api/flag.ts';
import { canonicalJson, compareCodePoints } from './canonical-json.ts';
import type { FieldProblem } from './compile-segment.ts';
import { Reason } from './diagnostic.ts';

/** How a referenced segment stands in the current input. */
export type SegmentState = 'valid' | 'invalid' | 'missing';

export interface FlagContext {
  namespace: string;
  segmentState(key: string): SegmentState;
}

export type CompiledFlag = { ok: true; flag: Flag } | { ok: false; problems: FieldProblem[] };

/** Rounding slack for sums of percentages such as 33.33 + 33.33 + 33.34. */
const SUM_TOLERANCE = 1e-9;

export function flagKeyOf(resource: FlagResource): string {
  return resource.spec.key ?? resource.metadata.name;
}

export function compileFlag(resource: FlagResource, context: FlagContext): CompiledFlag {
  const spec = resource.spec;
  const problems: FieldProblem[] = [];
  const type = compileFlagType(spec.type);
  if (type === undefined)
    problems.push(problem('spec.type', Reason.InvalidFlag, `unknown flag type "${spec.type}"`));
  if (type === FlagType.FLAG_TYPE_BOOLEAN && spec.rules.length > 0) {
    problems.push(
      problem('spec.rules', Reason.InvalidFlag, 'rules apply only to Variant flags; use rollouts'),
    );
  }
  if (type === FlagType.FLAG_TYPE_VARIANT && spec.rollouts.length > 0) {
    problems.push(
      problem('spec.rollouts', Reason.InvalidFlag, 'rollouts apply only to Boolean flags; use rules'),
    );
  }
  const variants = compileVariants(resource, problems);
  const variantKeys = new Set(variants.map((v) => v.key));
  if (spec.defaultVariant !== undefined && !variantKeys.has(spec.defaultVariant)) {
    problems.push(
      problem(
        'spec.defaultVariant',
        Reason.VariantNotFound,
        `variant "${spec.defaultVariant}" is not defined`,
      ),
    );
  }
  const rules = spec.rules.map((rule, i) =>
    compileRule(rule, `spec.rules[${i}]`, variantKeys, context, problems),
  );
  const rollouts = spec.rollouts.map((r, i) => compileRollout(r, `spec.rollouts[${i}]`, context, problems));
  if (problems.length > 0 || type === undefined) return { ok: false, problems };
  const key = flagKeyOf(resource);
  return {
    ok: true,
    flag: {
      key,
      name: spec.name ?? key,
      description: spec.description ?? '',
      type,
      enabled: spec.enabled,
      variants,
      defaultVariant: spec.defaultVariant ?? '',
      rules,
      rollouts,
      metadata: sortedRecord(spec.metadata ?? {}),
    },
  };
}

function compileFlagType(name: string): FlagType | undefined {
  if (name === 'Variant') return FlagType.FLAG_TYPE_VARIANT;
  if (name === 'Boolean') return FlagType.FLAG_TYPE_BOOLEAN;
  return undefined;
}

function compileVariants(resource: FlagResource, problems: FieldProblem[]): Variant[] {
  const seen = new Set<string>();
  return resource.spec.variants.map((variant, i) => {
    const path = `spec.variants[${i}]`;
    if (seen.has(variant.key)) {
      problems.push(
        problem(`${path}.key`, Reason.DuplicateVariant, `variant "${variant.key}" is defined twice`),
      );
    }
    seen.add(variant.key);
    return {
      key: variant.key,
      name: variant.name ?? '',
      description: variant.description ?? '',
      attachment: compileAttachment(variant.attachment, `${path}.attachment`, problems),
    };
  });
}

/** Absent (or null) → "": Flipt's "no attachment". Otherwise canonical JSON (see canonical-json.ts). */
function compileAttachment(value: unknown, path: string, problems: FieldProblem[]): string {
  if (value === undefined || value === null) return '';
  const result = canonicalJson(value);
  if (result.ok) return result.text;
  problems.push(problem(`${path}${result.path}`, Reason.InvalidAttachment, result.message));
  return '';
}

function compileRule(
  rule: RuleSpec,
  path: string,
  variantKeys: ReadonlySet<string>,
  context: FlagContext,
  problems: FieldProblem[],
): Rule {
  checkSegments(rule.segments, `${path}.segments`, context, problems);
  const segmentOperator = compileSegmentOperator(rule.segmentOperator, `${path}.segmentOperator`, problems);
  let sum = 0;
  const distributions = rule.distributions.map((d, j): Distribution => {
    const dPath = `${path}.distributions[${j}]`;
    if (!variantKeys.has(d.variant)) {
      problems.push(
        problem(`${dPath}.variant`, Reason.VariantNotFound, `variant "${d.variant}" is not defined`),
      );
    }
    checkPercentage(d.rollout, `${dPath}.rollout`, Reason.InvalidRule, problems);
    sum += d.rollout;
    // The wire type is float32; rounding here makes the compiled value equal the decoded one.
    return { variantKey: d.variant, rollout: Math.fround(d.rollout) };
  });
  if (sum > 100 + SUM_TOLERANCE) {
    problems.push(
      problem(`${path}.distributions`, Reason.InvalidRule, `rollouts sum to ${sum}, more than 100 percent`),
    );
  }
  return { segmentKeys: [...rule.segments], segmentOperator, distributions };
}

function compileRollout(
  spec: RolloutSpec,
  path: string,
  context: FlagContext,
  problems: FieldProblem[],
): Rollout {
  const { threshold, segment } = spec;
  if ((threshold === undefined) === (segment === undefined)) {
    problems.push(
      problem(path, Reason.InvalidRollout, 'a rollout needs exactly one of threshold and segment'),
    );
    return { kind: undefined };
  }
  if (threshold !== undefined) {
    checkPercentage(threshold.percentage, `${path}.threshold.percentage`, Reason.InvalidRollout, problems);
    return {
      kind: {
        $case: 'threshold',
        value: { percentage: Math.fround(threshold.percentage), value: threshold.value },
      },
    };
  }
  if (segment === undefined) return { kind: undefined };
  checkSegments(segment.segments, `${path}.segment.segments`, context, problems);
  const segmentOperator = compileSegmentOperator(
    segment.segmentOperator,
    `${path}.segment.segmentOperator`,
    problems,
  );
  return {
    kind: {
      $case: 'segment',
      value: { segmentKeys: [...segment.segments], segmentOperator, value: segment.value },
    },
  };
}

function checkSegments(
  keys: readonly string[],
  path: string,
  context: FlagContext,
  problems: FieldProblem[],
): void {
  keys.forEach((key, i) => {
    const state = context.segmentState(key);
    if (state === 'missing') {
      problems.push(
        problem(
          `${path}[${i}]`,
          Reason.SegmentNotFound,
          `segment "${key}" not found in namespace "${context.namespace}"`,
        ),
      );
    } else if (state === 'invalid') {
      problems.push(
        problem(
          `${path}[${i}]`,
          Reason.SegmentInvalid,
          `segment "${key}" in namespace "${context.namespace}" is invalid`,
        ),
      );
    }
  });
}

function compileSegmentOperator(name: string, path: string, problems: FieldProblem[]): SegmentOperator {
  if (name === 'Or') return SegmentOperator.SEGMENT_OPERATOR_OR;
  if (name === 'And') return SegmentOperator.SEGMENT_OPERATOR_AND;
  problems.push(problem(path, Reason.InvalidRule, `unknown segment operator "${name}"`));
  return SegmentOperator.SEGMENT_OPERATOR_OR;
}

function checkPercentage(value: number, path: string, reason: Reason, problems: FieldProblem[]): void {
  if (!(value >= 0 && value <= 100)) {
    problems.push(problem(path, reason, `${value} is not a percentage between 0 and 100`));
  }
}

/**
 * Inserts entries in sorted key order so the encoded map is deterministic. (JavaScript still lists
 * integer-like keys first, in numeric order; that order is deterministic too.)
 */
export function sortedRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => compareCodePoints(a, b)));
}

function problem(fieldPath: string, reason: Reason, message: string): FieldProblem {
  return { fieldPath, reason, message };
}
