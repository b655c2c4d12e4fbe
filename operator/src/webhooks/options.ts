// Command-line options of the injection webhook, for operator/src/config.ts to append to
// OPERATOR_OPTIONS, with their zod fields and checks.
import { z } from 'zod';
import { splitHostPort, type OptionSpec } from '@ensign/core/cli-options.ts';

export const DEFAULT_INJECTION_CONFIG = '/etc/ensign/injection.yaml';

export const WEBHOOK_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'webhook-addr',
    env: 'ENSIGN_WEBHOOK_ADDR',
    default: '0.0.0.0:9443',
    description:
      'Listen address of the HTTPS sidecar injection webhook (`/inject`), or `off`. Served only with --source=kubernetes and an injection config.',
  },
  {
    name: 'injection-config',
    env: 'ENSIGN_INJECTION_CONFIG',
    default: DEFAULT_INJECTION_CONFIG,
    description:
      'YAML file describing the injected sidecar (image, resources, native sidecar mode, operator address; docs/injection.md). Without the file at the default path the webhook is off; a file named explicitly must exist.',
  },
  {
    name: 'webhook-tls-cert',
    env: 'ENSIGN_WEBHOOK_TLS_CERT',
    description:
      'With --cert-mode=files: PEM certificate (chain) the webhook presents to the API server; re-read when it changes.',
  },
  {
    name: 'webhook-tls-key',
    env: 'ENSIGN_WEBHOOK_TLS_KEY',
    description: 'PEM private key of --webhook-tls-cert; re-read with it.',
  },
];

export type WebhookAddress =
  { readonly enabled: false } | { readonly enabled: true; readonly address: string };

const webhookAddress = z
  .string()
  .default('0.0.0.0:9443')
  .transform((value, ctx): WebhookAddress => {
    if (value === 'off') return { enabled: false };
    if (splitHostPort(value) !== undefined) return { enabled: true, address: value };
    ctx.addIssue({ code: 'custom', message: 'must be host:port or off' });
    return z.NEVER;
  });

/** zod fields to spread into the operator's config object schema. */
export const webhookShape = {
  'webhook-addr': webhookAddress,
  'injection-config': z.string().min(1).optional(),
  'webhook-tls-cert': z.string().min(1).optional(),
  'webhook-tls-key': z.string().min(1).optional(),
};

export interface WebhookConfig {
  readonly 'cert-mode': 'self-managed' | 'files';
  readonly 'webhook-tls-cert'?: string | undefined;
  readonly 'webhook-tls-key'?: string | undefined;
}

export interface WebhookIssue {
  readonly path: string;
  readonly message: string;
}

export function webhookIssues(c: WebhookConfig): WebhookIssue[] {
  const cert = c['webhook-tls-cert'];
  const key = c['webhook-tls-key'];
  if (c['cert-mode'] === 'self-managed')
    return cert === undefined && key === undefined
      ? []
      : [
          {
            path: cert === undefined ? 'webhook-tls-key' : 'webhook-tls-cert',
            message: 'is for --cert-mode=files; self-managed certificates come from --certificate-secret',
          },
        ];
  if ((cert === undefined) !== (key === undefined))
    return [
      {
        path: cert === undefined ? 'webhook-tls-cert' : 'webhook-tls-key',
        message: 'and its pair come together: give --webhook-tls-cert and --webhook-tls-key',
      },
    ];
  return [];
}
