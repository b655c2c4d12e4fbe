// Shapes shared by the Ensign custom resources (group ensign.dev, version v1alpha1). These zod
// schemas are the single source of the TypeScript types, the local-mode parser and the CRD YAML
// (operator/src/api/generate-crds.ts), so every cap and pattern here is also enforced by the API
// server.
import { z } from 'zod';

export const GROUP = 'ensign.dev';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;

/** Flipt's key alphabet (flags, segments, variants): `^[-_,A-Za-z0-9]+$`. */
export const KEY_PATTERN = '^[-_,A-Za-z0-9]+$';
export const MAX_KEY_LENGTH = 253;
export const MAX_DESCRIPTION_LENGTH = 1024;
export const MAX_NAME_LENGTH = 253;
/** A Kubernetes namespace name (RFC 1123 label). */
export const NAMESPACE_NAME_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
export const MAX_NAMESPACE_NAME_LENGTH = 63;
/** A Kubernetes object name (RFC 1123 subdomain), as the API server checks metadata.name. */
export const OBJECT_NAME_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
export const MAX_OBJECT_NAME_LENGTH = 253;
export const MAX_CONDITIONS = 8;

function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * A string of at most `max` characters. The API server counts Unicode code points for maxLength,
 * zod's own `.max()` counts UTF-16 units, so the check is written out to agree with the server.
 */
export function boundedString(max: number) {
  return z
    .string()
    .check((ctx) => {
      if (ctx.value.length > max && codePointLength(ctx.value) > max) {
        ctx.issues.push({
          code: 'too_big',
          origin: 'string',
          maximum: max,
          inclusive: true,
          input: ctx.value,
        });
      }
    })
    .meta({ maxLength: max });
}

/** A string matching `pattern` (written for both RE2 and JavaScript), at most `max` characters. */
export function patternString(pattern: string, max: number) {
  return boundedString(max).regex(new RegExp(pattern));
}

export const KEY_REGEX = new RegExp(KEY_PATTERN);

/**
 * Marks a list of objects as `x-kubernetes-list-type: map` keyed by `key`: the API server rejects
 * two items with the same key ("Duplicate value") and server-side apply merges items by key.
 */
export function listMapBy<S extends z.ZodArray<z.ZodObject>>(list: S, key: string): S {
  return list
    .superRefine((items, ctx) => {
      const seen = new Set<unknown>();
      items.forEach((item: Record<string, unknown>, i) => {
        const value = item[key];
        if (seen.has(value)) {
          ctx.addIssue({
            code: 'custom',
            message: `Duplicate value: ${JSON.stringify({ [key]: value })}`,
            path: [i],
          });
        }
        seen.add(value);
      });
    })
    .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': [key] });
}

/** Caps the number of entries of a map, as the API server does for `maxProperties` ("Too many"). */
export function maxProperties<S extends z.ZodRecord>(record: S, max: number): S {
  return record
    .check((ctx) => {
      const count = Object.keys(ctx.value).length;
      if (count > max) {
        ctx.issues.push({
          code: 'custom',
          message: `Too many: ${count}: must have at most ${max} items`,
          input: ctx.value,
          params: { blocking: true },
        });
      }
    })
    .meta({ maxProperties: max });
}

export const fliptKey = patternString(KEY_PATTERN, MAX_KEY_LENGTH).min(1);
export const description = boundedString(MAX_DESCRIPTION_LENGTH);
export const displayName = boundedString(MAX_NAME_LENGTH);
export const namespaceName = patternString(NAMESPACE_NAME_PATTERN, MAX_NAMESPACE_NAME_LENGTH);
export const objectName = patternString(OBJECT_NAME_PATTERN, MAX_OBJECT_NAME_LENGTH);

export const segmentOperator = z
  .enum(['Or', 'And'])
  .describe('How the segments combine: Or (any segment matches) or And (every segment matches).');
export type SegmentOperator = z.infer<typeof segmentOperator>;

/**
 * Kubernetes object metadata as far as Ensign reads it. The CRD does not describe metadata (the API
 * server validates it itself); this schema mirrors the checks the server makes on name and namespace
 * so that local mode rejects the same objects.
 */
export const objectMeta = z.object({
  name: objectName.min(1),
  namespace: namespaceName.optional(),
  generation: z.number().int().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  creationTimestamp: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});
export type ObjectMeta = z.infer<typeof objectMeta>;

/** A kstatus-compatible condition (metav1.Condition). */
export const condition = z
  .object({
    type: boundedString(316).describe('Condition type in PascalCase: Ready, Reconciling or Stalled.'),
    status: z.enum(['True', 'False', 'Unknown']).describe('Status of the condition.'),
    observedGeneration: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('metadata.generation the condition was computed from.'),
    lastTransitionTime: boundedString(64)
      .meta({ format: 'date-time' })
      .describe('When status last changed (RFC 3339).'),
    reason: boundedString(1024).describe('Machine-readable CamelCase reason.'),
    message: boundedString(32768).describe('Human-readable detail.'),
  })
  .describe('A condition in the metav1.Condition shape.');
export type Condition = z.infer<typeof condition>;

/** Conditions as a list keyed by `type`, so server-side apply merges them one by one. */
export const conditions = listMapBy(z.array(condition).max(MAX_CONDITIONS), 'type').describe(
  'Ready always; Reconciling and Stalled only while True (kstatus).',
);

export const observedGeneration = z
  .number()
  .int()
  .min(0)
  .describe('The metadata.generation the operator last acted on.');

export const revision = boundedString(128).describe(
  'Revision (content hash) of the compiled rule set that includes this generation.',
);

/** Status common to Flag and Segment. */
export const objectStatus = z
  .object({
    observedGeneration: observedGeneration.optional(),
    conditions: conditions.optional(),
    /** The compiled rule-set revision that includes this generation. */
    revision: revision.optional(),
  })
  .describe('Observed state, written by the operator through the status subresource.');
export type ObjectStatus = z.infer<typeof objectStatus>;
