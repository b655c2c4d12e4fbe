// The Segment resource: a named set of constraints over the evaluation context (Flipt's segment).
import { z } from 'zod';
import { API_VERSION, description, displayName, objectMeta, objectStatus } from './common.ts';

export const MAX_CONSTRAINTS = 100;
/** Flipt's MAX_JSON_ARRAY_ITEMS for isoneof / isnotoneof. */
export const MAX_LIST_VALUES = 100;

export const constraintType = z.enum(['String', 'Number', 'Boolean', 'DateTime', 'EntityId']);
export type ConstraintType = z.infer<typeof constraintType>;

export const constraintOperator = z.enum([
  'eq',
  'neq',
  'lt',
  'lte',
  'gt',
  'gte',
  'empty',
  'notempty',
  'present',
  'notpresent',
  'true',
  'false',
  'prefix',
  'suffix',
  'isoneof',
  'isnotoneof',
  'contains',
  'notcontains',
]);
export type ConstraintOperator = z.infer<typeof constraintOperator>;

export const constraint = z.object({
  /** Context key to read; ignored for EntityId (the request's entityId is used). */
  property: z.string().min(1).max(253),
  type: constraintType,
  operator: constraintOperator,
  /** Operand of single-value operators (numbers and datetimes are written as strings). */
  value: z.string().max(1024).optional(),
  /** Operand of isoneof / isnotoneof. */
  values: z.array(z.string().max(1024)).max(MAX_LIST_VALUES).optional(),
  description: description.optional(),
});
export type Constraint = z.infer<typeof constraint>;

export const matchType = z.enum(['All', 'Any']);

export const segmentSpec = z.object({
  /** Display name; defaults to metadata.name. */
  name: displayName.optional(),
  description: description.optional(),
  matchType: matchType.default('All'),
  constraints: z.array(constraint).max(MAX_CONSTRAINTS).default([]),
});
export type SegmentSpec = z.infer<typeof segmentSpec>;

export const segment = z.object({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal('Segment'),
  metadata: objectMeta,
  spec: segmentSpec,
  status: objectStatus.optional(),
});
export type Segment = z.infer<typeof segment>;
