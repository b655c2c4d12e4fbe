// The AdmissionReview v1 wire format: the request parsed with zod at the boundary (only the fields
// the webhook reads; everything else passes through untouched), and the responses it sends.
import { z } from 'zod';

const stringMap = z.record(z.string(), z.string());

const envVar = z.looseObject({ name: z.string() });
const container = z.looseObject({
  name: z.string(),
  env: z.array(envVar).nullish(),
  envFrom: z.array(z.unknown()).nullish(),
  volumeMounts: z.array(z.looseObject({ name: z.string(), mountPath: z.string() })).nullish(),
});
const volume = z.looseObject({ name: z.string() });

export const podSchema = z.looseObject({
  metadata: z
    .looseObject({
      name: z.string().nullish(),
      generateName: z.string().nullish(),
      annotations: stringMap.nullish(),
      labels: stringMap.nullish(),
    })
    .default({}),
  spec: z.looseObject({
    containers: z.array(container),
    initContainers: z.array(container).nullish(),
    volumes: z.array(volume).nullish(),
    serviceAccountName: z.string().nullish(),
  }),
});

export type Pod = z.infer<typeof podSchema>;
export type PodContainer = z.infer<typeof container>;

const groupVersionKind = z.looseObject({ group: z.string(), version: z.string(), kind: z.string() });

export const admissionReviewSchema = z.looseObject({
  apiVersion: z.literal('admission.k8s.io/v1'),
  kind: z.literal('AdmissionReview'),
  request: z.looseObject({
    uid: z.string().min(1),
    kind: groupVersionKind,
    operation: z.string(),
    namespace: z.string().nullish(),
    name: z.string().nullish(),
    dryRun: z.boolean().nullish(),
    object: z.unknown(),
  }),
});

export type AdmissionRequest = z.infer<typeof admissionReviewSchema>['request'];

export type JsonPatchOperation = { readonly op: 'add'; readonly path: string; readonly value: unknown };

export interface AdmissionResponse {
  readonly uid: string;
  readonly allowed: boolean;
  readonly patchType?: 'JSONPatch';
  /** Base64 of the JSON patch. */
  readonly patch?: string;
  readonly warnings?: readonly string[];
  readonly status?: { readonly code: number; readonly message: string };
}

export interface AdmissionReviewResponse {
  readonly apiVersion: 'admission.k8s.io/v1';
  readonly kind: 'AdmissionReview';
  readonly response: AdmissionResponse;
}

export function allow(
  uid: string,
  patch: readonly JsonPatchOperation[],
  warnings: readonly string[],
): AdmissionReviewResponse {
  const response: AdmissionResponse = {
    uid,
    allowed: true,
    ...(patch.length === 0
      ? {}
      : { patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(patch)).toString('base64') }),
    ...(warnings.length === 0 ? {} : { warnings }),
  };
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
}

export function deny(uid: string, code: number, message: string): AdmissionReviewResponse {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    response: { uid, allowed: false, status: { code, message } },
  };
}

/** RFC 6901: `~` becomes `~0` and `/` becomes `~1` in one path segment (annotation keys have `/`). */
export function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}
