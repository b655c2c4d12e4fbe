// Command-line options of the operator's security features, for operator/src/config.ts to append
// to OPERATOR_OPTIONS, with the zod fields and cross-field checks that go with them.
import { z } from 'zod';
import type { OptionSpec } from '@ensign/core/cli-options.ts';

export const OPERATOR_AUTH_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'sync-tls-cert',
    env: 'ENSIGN_SYNC_TLS_CERT',
    description:
      'PEM certificate (chain) the sync service presents to sidecars; re-read when the file changes (cert-manager, Secret rotation). Required unless --sync-insecure.',
  },
  {
    name: 'sync-tls-key',
    env: 'ENSIGN_SYNC_TLS_KEY',
    description: 'PEM private key of --sync-tls-cert; re-read with it.',
  },
];

/** zod fields to spread into the operator's config object schema. */
export const operatorAuthShape = {
  'sync-tls-cert': z.string().min(1).optional(),
  'sync-tls-key': z.string().min(1).optional(),
};

export interface OperatorAuthConfig {
  readonly 'sync-insecure': boolean;
  readonly 'sync-tls-cert'?: string | undefined;
  readonly 'sync-tls-key'?: string | undefined;
}

export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * TLS is required unless --sync-insecure (which config.ts allows only on loopback), and the two
 * files come together. Call from the config schema's superRefine and add each issue.
 */
export function operatorAuthIssues(c: OperatorAuthConfig): ConfigIssue[] {
  const cert = c['sync-tls-cert'];
  const key = c['sync-tls-key'];
  if (c['sync-insecure'])
    return cert !== undefined || key !== undefined
      ? [
          {
            path: 'sync-insecure',
            message: 'cannot be combined with --sync-tls-cert/--sync-tls-key; choose one',
          },
        ]
      : [];
  const issues: ConfigIssue[] = [];
  if (cert === undefined)
    issues.push({
      path: 'sync-tls-cert',
      message:
        'is required: the sync service serves TLS (or pass --sync-insecure with a loopback --sync-addr for local use)',
    });
  if (key === undefined) issues.push({ path: 'sync-tls-key', message: 'is required with --sync-tls-cert' });
  return issues;
}
