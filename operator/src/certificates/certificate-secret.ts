// The certificate Secret on the API server: read, create, and replace conditionally on the
// resourceVersion that was read (409 when another replica wrote in between). Data values are
// PEM text here and base64 only on the wire.
import { z } from 'zod';
import type { KubeClient } from '../kube/kube-client.ts';
import { HTTP_NOT_FOUND, ok, type KubeResult } from '../kube/kube-result.ts';
import type { ResourceType } from '../kube/resource-type.ts';
import type { CertificateData } from './certificate-data.ts';

export const SECRET: ResourceType = {
  group: '',
  version: 'v1',
  plural: 'secrets',
  kind: 'Secret',
  namespaced: true,
};

export interface StoredSecret {
  readonly resourceVersion: string;
  readonly data: CertificateData;
  /** The object as read, so a replace keeps its labels and annotations. */
  readonly object: Record<string, unknown>;
}

/** What the certificate manager needs from the API server (a fake in unit tests). */
export interface CertificateSecretApi {
  readonly description: string;
  /** undefined when the Secret does not exist. */
  read(): Promise<KubeResult<StoredSecret | undefined>>;
  create(data: CertificateData): Promise<KubeResult<StoredSecret>>;
  replace(previous: StoredSecret, data: CertificateData): Promise<KubeResult<StoredSecret>>;
}

const secretObject = z
  .object({
    metadata: z.object({ resourceVersion: z.string() }).loose(),
    data: z.record(z.string(), z.string()).optional(),
  })
  .loose();

function decode(raw: unknown): KubeResult<StoredSecret> {
  const parsed = secretObject.safeParse(raw);
  if (!parsed.success)
    return {
      ok: false,
      error: { code: 0, reason: 'InvalidSecret', message: 'the API server returned no Secret' },
    };
  const data: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed.data.data ?? {}))
    data[key] = Buffer.from(value, 'base64').toString('utf8');
  return ok({ resourceVersion: parsed.data.metadata.resourceVersion, data, object: parsed.data });
}

function encode(data: CertificateData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(data).sort()) out[key] = Buffer.from(data[key] ?? '').toString('base64');
  return out;
}

export const SECRET_LABELS = {
  'app.kubernetes.io/name': 'ensign',
  'app.kubernetes.io/component': 'operator',
  'app.kubernetes.io/managed-by': 'ensign-operator',
} as const;

export function kubeCertificateSecretApi(
  client: KubeClient,
  namespace: string,
  name: string,
): CertificateSecretApi {
  return {
    description: `${namespace}/${name}`,
    async read() {
      const result = await client.get(SECRET, namespace, name);
      if (!result.ok) return result.error.code === HTTP_NOT_FOUND ? ok(undefined) : result;
      return decode(result.value);
    },
    async create(data) {
      const body = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, namespace, labels: SECRET_LABELS },
        type: 'Opaque',
        data: encode(data),
      };
      const result = await client.create(SECRET, namespace, body);
      return result.ok ? decode(result.value) : result;
    },
    async replace(previous, data) {
      // PUT carries metadata.resourceVersion from the read: a stale write is refused with 409.
      const body = { ...previous.object, data: encode(data) };
      const result = await client.replace(SECRET, namespace, name, body);
      return result.ok ? decode(result.value) : result;
    },
  };
}
