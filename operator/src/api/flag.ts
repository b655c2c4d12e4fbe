// The Flag resource: Flipt's flag model (variants + ordered rules, or boolean rollouts) as a
// namespaced custom resource. This zod schema is the source of truth for the CRD YAML; every rule
// that can be checked within one object is a CEL rule here, mirrored in TypeScript (cel-rule.ts).
import { z } from 'zod';
import { unless, withCelRules, type PathSegment } from './cel-rule.ts';
import {
  API_VERSION,
  KEY_PATTERN,
  boundedString,
  description,
  displayName,
  fliptKey,
  listMapBy,
  maxProperties,
  objectMeta,
  objectStatus,
  patternString,
  segmentOperator,
} from './common.ts';

// Caps keep every CEL rule inside the API server's cost limit of 10M per rule: the estimator assumes
// every list is full and every string maxLength × 4 bytes long. The costliest rule, "every
// distribution names a variant", compares MAX_RULES × MAX_DISTRIBUTIONS × MAX_VARIANTS keys of up to
// MAX_VARIANT_KEY_LENGTH characters: estimated 6.8M by the apiextensions validation of Kubernetes
// 1.32 and 1.35. Raise a cap only after re-checking against an API server.
export const MAX_VARIANTS = 100;
export const MAX_RULES = 100;
export const MAX_ROLLOUTS = 100;
export const MAX_DISTRIBUTIONS = 20;
/** Variant keys are compared in CEL once per (rule, distribution, variant); their length is the cost. */
export const MAX_VARIANT_KEY_LENGTH = 63;
export const MAX_SEGMENTS_PER_RULE = 20;
export const MAX_METADATA = 32;
/** Rounding slack for sums of percentages such as 33.33 + 33.33 + 33.34 (same as the compiler). */
export const ROLLOUT_SUM_LIMIT = 100.000000001;

const variantKey = patternString(KEY_PATTERN, MAX_VARIANT_KEY_LENGTH)
  .min(1)
  .describe('Variant key, unique within the flag (Flipt key alphabet).');
const percentage = z.number().min(0).max(100);

export const variant = z
  .object({
    key: variantKey,
    name: displayName.optional().describe('Display name; defaults to the key.'),
    description: description.optional().describe('Free text.'),
    attachment: z
      .json()
      .optional()
      .meta({ 'x-kubernetes-preserve-unknown-fields': true })
      .describe('Arbitrary JSON returned with the variant (Flipt variantAttachment).'),
  })
  .describe('One value the flag can take.');
export type Variant = z.infer<typeof variant>;

export const distribution = z
  .object({
    variant: variantKey.describe('Key of one of spec.variants.'),
    rollout: percentage.describe('Percentage of matching entities (0-100) that get this variant.'),
  })
  .describe("A share of a rule's entities assigned to one variant.");

export const rule = withCelRules(
  z
    .object({
      segments: z
        .array(fliptKey)
        .min(1)
        .max(MAX_SEGMENTS_PER_RULE)
        .describe('Keys of Segments in this namespace.'),
      segmentOperator: segmentOperator.default('Or'),
      distributions: z
        .array(distribution)
        .max(MAX_DISTRIBUTIONS)
        .default([])
        .describe('Variant shares, summing to at most 100; none returns the default variant.'),
    })
    .describe('A targeting rule: when its segments match, pick a variant by distribution.'),
  [
    {
      rule: `!has(self.distributions) || self.distributions.map(d, d.rollout).sum() <= ${ROLLOUT_SUM_LIMIT}`,
      message: 'the rollout percentages of spec.rules[].distributions must add up to at most 100',
      fieldPath: '.distributions',
      reason: 'FieldValueInvalid',
      violations: (self) =>
        unless(self.distributions.reduce((sum, d) => sum + d.rollout, 0) <= ROLLOUT_SUM_LIMIT, [
          'distributions',
        ]),
    },
  ],
);
export type Rule = z.infer<typeof rule>;

export const thresholdRollout = z
  .object({
    percentage: percentage.describe('Percentage of entities (0-100) that get value.'),
    value: z.boolean().describe('The value for entities inside the percentage.'),
  })
  .describe('Roll out to a percentage of entities.');

export const segmentRollout = z
  .object({
    segments: z
      .array(fliptKey)
      .min(1)
      .max(MAX_SEGMENTS_PER_RULE)
      .describe('Keys of Segments in this namespace.'),
    segmentOperator: segmentOperator.default('Or'),
    value: z.boolean().describe('The value for entities in the segments.'),
  })
  .describe('Roll out to the entities that match segments.');

export const rollout = withCelRules(
  z
    .object({
      description: description.optional().describe('Free text.'),
      threshold: thresholdRollout.optional(),
      segment: segmentRollout.optional(),
    })
    .describe("One step of a Boolean flag's rollout: exactly one of threshold or segment."),
  [
    {
      rule: 'has(self.threshold) != has(self.segment)',
      message: 'each spec.rollouts[] item must set exactly one of threshold or segment',
      reason: 'FieldValueInvalid',
      violations: (self) => unless((self.threshold === undefined) !== (self.segment === undefined)),
    },
  ],
);
export type Rollout = z.infer<typeof rollout>;

export const flagType = z
  .enum(['Variant', 'Boolean'])
  .describe('Variant flags use variants and rules; Boolean flags use enabled and rollouts.');
export type FlagType = z.infer<typeof flagType>;

function distributionsNamingNoVariant(spec: { variants: Variant[]; rules: Rule[] }): PathSegment[][] {
  const keys = new Set(spec.variants.map((v) => v.key));
  return spec.rules.flatMap((r, i) =>
    r.distributions.flatMap((d, j) =>
      keys.has(d.variant) ? [] : [['rules', i, 'distributions', j, 'variant']],
    ),
  );
}

export const flagSpec = withCelRules(
  z
    .object({
      key: fliptKey
        .optional()
        .describe(
          'The Flipt flag key; defaults to metadata.name. Set it for keys with upper case, `_` or `,`.',
        ),
      name: displayName.optional().describe('Display name; defaults to the key.'),
      type: flagType.default('Variant'),
      enabled: z
        .boolean()
        .default(false)
        .describe('Variant flags: off returns the default variant. Boolean flags: the default value.'),
      description: description.optional().describe('Free text.'),
      variants: listMapBy(z.array(variant).max(MAX_VARIANTS), 'key')
        .default([])
        .describe('The values of a Variant flag, keyed by key.'),
      defaultVariant: variantKey
        .optional()
        .describe('Key of the variant returned when no rule matches or the flag is disabled.'),
      rules: z
        .array(rule)
        .max(MAX_RULES)
        .default([])
        .describe('Ordered targeting rules of a Variant flag; the first match wins.'),
      rollouts: z
        .array(rollout)
        .max(MAX_ROLLOUTS)
        .default([])
        .describe('Ordered rollouts of a Boolean flag; the first match wins.'),
      metadata: maxProperties(z.record(boundedString(253), boundedString(1024)), MAX_METADATA)
        .optional()
        .describe('Free-form string labels carried to Flipt clients; evaluation ignores them.'),
    })
    .describe('The desired flag.'),
  [
    {
      rule:
        "self.type != 'Variant' || !has(self.defaultVariant) || " +
        '(has(self.variants) && self.variants.exists(v, v.key == self.defaultVariant))',
      message: 'spec.defaultVariant must name one of spec.variants[].key',
      fieldPath: '.defaultVariant',
      reason: 'FieldValueInvalid',
      violations: (self) =>
        unless(
          self.type !== 'Variant' ||
            self.defaultVariant === undefined ||
            self.variants.some((v) => v.key === self.defaultVariant),
          ['defaultVariant'],
        ),
    },
    {
      rule:
        "self.type != 'Variant' || !has(self.rules) || self.rules.all(r, !has(r.distributions) || " +
        'r.distributions.all(d, has(self.variants) && self.variants.exists(v, v.key == d.variant)))',
      message: 'spec.rules[].distributions[].variant must name one of spec.variants[].key',
      fieldPath: '.rules',
      reason: 'FieldValueInvalid',
      violations: (self) => (self.type === 'Variant' ? distributionsNamingNoVariant(self) : []),
    },
    {
      rule: "self.type == 'Variant' || !has(self.variants) || size(self.variants) == 0",
      message: 'spec.variants may only be set when spec.type is Variant',
      fieldPath: '.variants',
      reason: 'FieldValueForbidden',
      violations: (self) => unless(self.type === 'Variant' || self.variants.length === 0, ['variants']),
    },
    {
      rule: "self.type == 'Variant' || !has(self.defaultVariant)",
      message: 'spec.defaultVariant may only be set when spec.type is Variant',
      fieldPath: '.defaultVariant',
      reason: 'FieldValueForbidden',
      violations: (self) =>
        unless(self.type === 'Variant' || self.defaultVariant === undefined, ['defaultVariant']),
    },
    {
      rule: "self.type == 'Variant' || !has(self.rules) || size(self.rules) == 0",
      message: 'spec.rules may only be set when spec.type is Variant (Boolean flags use spec.rollouts)',
      fieldPath: '.rules',
      reason: 'FieldValueForbidden',
      violations: (self) => unless(self.type === 'Variant' || self.rules.length === 0, ['rules']),
    },
    {
      rule: "self.type == 'Boolean' || !has(self.rollouts) || size(self.rollouts) == 0",
      message: 'spec.rollouts may only be set when spec.type is Boolean (Variant flags use spec.rules)',
      fieldPath: '.rollouts',
      reason: 'FieldValueForbidden',
      violations: (self) => unless(self.type === 'Boolean' || self.rollouts.length === 0, ['rollouts']),
    },
  ],
);
export type FlagSpec = z.infer<typeof flagSpec>;

export const flag = withCelRules(
  z
    .object({
      apiVersion: z.literal(API_VERSION),
      kind: z.literal('Flag'),
      metadata: objectMeta,
      spec: flagSpec,
      status: objectStatus.optional(),
    })
    .describe(
      'A feature flag (Flipt flag model). The operator compiles the Flags and Segments of a namespace into one rule set.',
    ),
  [
    {
      rule: "has(self.spec.key) || !self.metadata.name.contains('.')",
      message: "metadata.name is not a valid Flipt flag key (it contains '.'); set spec.key",
      fieldPath: '.spec.key',
      reason: 'FieldValueRequired',
      violations: (self) =>
        unless(self.spec.key !== undefined || !self.metadata.name.includes('.'), ['spec', 'key']),
    },
  ],
);
export type Flag = z.infer<typeof flag>;
