// Command-line options of the operator's certificates (and the names they are issued for), for
// operator/src/config.ts to append to OPERATOR_OPTIONS, with their zod fields and checks.
import { z } from 'zod';
import type { OptionSpec } from '@ensign/core/cli-options.ts';
import { namespaceValue } from '@ensign/core/option-schemas.ts';

export const CERTIFICATE_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'cert-mode',
    env: 'ENSIGN_CERT_MODE',
    default: 'self-managed',
    description:
      'Where the TLS certificates of the webhook and sync servers come from (kubernetes source): `self-managed` keeps a CA and both serving certificates in the Secret --certificate-secret, renews them and patches caBundle into --webhook-configuration; `files` reads --webhook-tls-cert/--webhook-tls-key, --sync-tls-cert/--sync-tls-key and --ca-file (e.g. from cert-manager).',
  },
  {
    name: 'operator-namespace',
    env: 'ENSIGN_OPERATOR_NAMESPACE',
    default: '$POD_NAMESPACE',
    description:
      'The namespace the operator runs in: home of the certificate Secret, part of the certificate DNS names, and never injected (required with --source=kubernetes).',
  },
  {
    name: 'certificate-secret',
    env: 'ENSIGN_CERTIFICATE_SECRET',
    default: 'ensign-operator-certs',
    description: 'Secret in --operator-namespace holding the self-managed CA and serving certificates.',
  },
  {
    name: 'service-name',
    env: 'ENSIGN_SERVICE_NAME',
    default: 'ensign-operator',
    description:
      "The operator's Service: self-managed certificates are issued for `<svc>`, `<svc>.<ns>`, `<svc>.<ns>.svc` and `<svc>.<ns>.svc.cluster.local`.",
  },
  {
    name: 'webhook-configuration',
    env: 'ENSIGN_WEBHOOK_CONFIGURATION',
    default: 'ensign-inject',
    description:
      'MutatingWebhookConfiguration whose webhooks get the self-managed CA bundle as `clientConfig.caBundle` (kept repaired by the leader).',
  },
  {
    name: 'ca-file',
    env: 'ENSIGN_CA_FILE',
    description:
      'With --cert-mode=files: PEM of the CA that signed the serving certificates (cert-manager `ca.crt`), handed to injected sidecars; re-read when it changes.',
  },
];

const objectName = z
  .string()
  .max(253)
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
    'must be a Kubernetes object name',
  );
const serviceName = z
  .string()
  .max(63)
  .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, 'must be a Service name (RFC 1035 label)');

/** zod fields to spread into the operator's config object schema. */
export const certificateShape = {
  'cert-mode': z.enum(['self-managed', 'files']).default('self-managed'),
  'operator-namespace': namespaceValue.optional(),
  'certificate-secret': objectName.default('ensign-operator-certs'),
  'service-name': serviceName.default('ensign-operator'),
  'webhook-configuration': objectName.default('ensign-inject'),
  'ca-file': z.string().min(1).optional(),
};

export interface CertificateConfig {
  readonly source: { readonly kind: string };
  readonly 'cert-mode': 'self-managed' | 'files';
  readonly 'operator-namespace'?: string | undefined;
  readonly 'ca-file'?: string | undefined;
  readonly 'sync-tls-cert'?: string | undefined;
  readonly 'sync-tls-key'?: string | undefined;
}

export interface CertificateIssue {
  readonly path: string;
  readonly message: string;
}

/** True when the sync and webhook servers take their certificates from the Secret. */
export function selfManaged(c: CertificateConfig): boolean {
  return c.source.kind === 'kubernetes' && c['cert-mode'] === 'self-managed';
}

export function certificateIssues(c: CertificateConfig): CertificateIssue[] {
  const issues: CertificateIssue[] = [];
  if (c.source.kind === 'kubernetes' && c['operator-namespace'] === undefined)
    issues.push({
      path: 'operator-namespace',
      message: 'is required with --source=kubernetes when POD_NAMESPACE is not set',
    });
  if (selfManaged(c)) {
    for (const option of ['sync-tls-cert', 'sync-tls-key', 'ca-file'] as const)
      if (c[option] !== undefined)
        issues.push({
          path: option,
          message: 'is for --cert-mode=files; self-managed certificates come from --certificate-secret',
        });
  }
  return issues;
}
