// The Flag resource: Flipt's flag model (variants + ordered rules, or boolean rollouts) as a
// namespaced custom resource. This zod schema is the source of truth for the CRD YAML.
import { z } from 'zod';
import {
  API_VERSION,
  description,
  displayName,
  fliptKey,
  objectMeta,
  objectStatus,
  segmentOperator,
} from './common.ts';

export const MAX_VARIANTS = 100;
export const MAX_RULES = 100;
export const MAX_ROLLOUTS = 100;
export const MAX_DISTRIBUTIONS = 100;
export const MAX_SEGMENTS_PER_RULE = 20;
export const MAX_METADATA = 32;

export const variant = z.object({
  key: fliptKey,
  name: displayName.optional(),
  description: description.optional(),
  /** Arbitrary JSON returned with the variant (Flipt's variantAttachment). */
  attachment: z.json().optional(),
});
export type Variant = z.infer<typeof variant>;

export const distribution = z.object({
  variant: fliptKey,
  /** Percentage of entities, 0–100. */
  rollout: z.number().min(0).max(100),
});

export const rule = z.object({
  segments: z.array(fliptKey).min(1).max(MAX_SEGMENTS_PER_RULE),
  segmentOperator: segmentOperator.default('Or'),
  distributions: z.array(distribution).max(MAX_DISTRIBUTIONS).default([]),
});
export type Rule = z.infer<typeof rule>;

export const thresholdRollout = z.object({
  percentage: z.number().min(0).max(100),
  value: z.boolean(),
});

export const segmentRollout = z.object({
  segments: z.array(fliptKey).min(1).max(MAX_SEGMENTS_PER_RULE),
  segmentOperator: segmentOperator.default('Or'),
  value: z.boolean(),
});

export const rollout = z.object({
  description: description.optional(),
  threshold: thresholdRollout.optional(),
  segment: segmentRollout.optional(),
});
export type Rollout = z.infer<typeof rollout>;

export const flagType = z.enum(['Variant', 'Boolean']);
export type FlagType = z.infer<typeof flagType>;

export const flagSpec = z.object({
  /** The Flipt flag key; defaults to metadata.name. Set it for keys with upper case or `_`. */
  key: fliptKey.optional(),
  /** Display name; defaults to the key. */
  name: displayName.optional(),
  type: flagType.default('Variant'),
  enabled: z.boolean().default(false),
  description: description.optional(),
  variants: z.array(variant).max(MAX_VARIANTS).default([]),
  defaultVariant: fliptKey.optional(),
  rules: z.array(rule).max(MAX_RULES).default([]),
  rollouts: z.array(rollout).max(MAX_ROLLOUTS).default([]),
  metadata: z.record(z.string().max(253), z.string().max(1024)).optional(),
});
export type FlagSpec = z.infer<typeof flagSpec>;

export const flag = z.object({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal('Flag'),
  metadata: objectMeta,
  spec: flagSpec,
  status: objectStatus.optional(),
});
export type Flag = z.infer<typeof flag>;
