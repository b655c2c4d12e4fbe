// Shapes shared by the Ensign custom resources (group ensign.dev, version v1alpha1).
import { z } from 'zod';

export const GROUP = 'ensign.dev';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;

/** Flipt's key alphabet (flags, segments, variants): `^[-_,A-Za-z0-9]+$`. */
export const KEY_PATTERN = '^[-_,A-Za-z0-9]+$';
export const MAX_KEY_LENGTH = 253;
export const MAX_DESCRIPTION_LENGTH = 1024;
export const MAX_NAME_LENGTH = 253;

export const fliptKey = z.string().min(1).max(MAX_KEY_LENGTH).regex(new RegExp(KEY_PATTERN));
export const description = z.string().max(MAX_DESCRIPTION_LENGTH);
export const displayName = z.string().max(MAX_NAME_LENGTH);

export const segmentOperator = z.enum(['Or', 'And']);
export type SegmentOperator = z.infer<typeof segmentOperator>;

/** Kubernetes object metadata as far as Ensign reads it. */
export const objectMeta = z.object({
  name: z.string().min(1),
  namespace: z.string().optional(),
  generation: z.number().int().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  creationTimestamp: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});
export type ObjectMeta = z.infer<typeof objectMeta>;

/** A kstatus-compatible condition (metav1.Condition). */
export const condition = z.object({
  type: z.string().max(316),
  status: z.enum(['True', 'False', 'Unknown']),
  observedGeneration: z.number().int().min(0).optional(),
  lastTransitionTime: z.string(),
  reason: z.string().max(1024),
  message: z.string().max(32768),
});
export type Condition = z.infer<typeof condition>;

/** Status common to Flag and Segment. */
export const objectStatus = z.object({
  observedGeneration: z.number().int().min(0).optional(),
  conditions: z.array(condition).max(8).optional(),
  /** The compiled rule-set revision that includes this generation. */
  revision: z.string().max(128).optional(),
});
export type ObjectStatus = z.infer<typeof objectStatus>;
