// The sidecar's configuration: flags and environment variables, parsed once at start-up.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { describeIssues, isLoopbackAddress, OptionsError, readOptions } from '@ensign/core/cli-options.ts';
import {
  addressValue,
  booleanValue,
  LOG_LEVEL_OPTION,
  logLevelValue,
  namespaceValue,
} from '@ensign/core/option-schemas.ts';
import { MAX_METRICS_FLAG_KEYS } from './observability/metrics.ts';
import type { OptionSpec } from '@ensign/core/cli-options.ts';
import { caBundleProblem } from '@ensign/core/tls/ca-bundle.ts';

export const SIDECAR_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'operator-addr',
    env: 'ENSIGN_OPERATOR_ADDR',
    default: '127.0.0.1:8443',
    description: 'host:port of the operator sync service.',
  },
  {
    name: 'sync-insecure',
    env: 'ENSIGN_SYNC_INSECURE',
    boolean: true,
    default: 'false',
    description:
      'Connect to the operator without TLS or a token. Allowed only when --operator-addr is a loopback address (local mode).',
  },
  {
    name: 'sync-ca',
    env: 'ENSIGN_SYNC_CA',
    default: 'the system trust store',
    description:
      'PEM bundle of the CAs trusted for the operator’s sync certificate; re-read on every reconnect.',
  },
  {
    name: 'sync-ca-pem',
    env: 'ENSIGN_SYNC_CA_PEM',
    description:
      'The PEM text of the CA bundle itself, instead of a --sync-ca file (the injection webhook sets it from the operator’s CA).',
  },
  {
    name: 'sync-server-name',
    env: 'ENSIGN_SYNC_SERVER_NAME',
    default: 'the host of --operator-addr',
    description: 'Name the operator’s certificate must carry (DNS name or IP address).',
  },
  {
    name: 'token-file',
    env: 'ENSIGN_TOKEN_FILE',
    default: '/var/run/secrets/ensign/token',
    description:
      'The sidecar’s projected service-account token (audience `ensign`), sent to the operator; re-read on every reconnect and review.',
  },
  {
    name: 'default-namespace',
    env: 'ENSIGN_DEFAULT_NAMESPACE',
    default: '$POD_NAMESPACE, else default',
    description: 'Flag namespace used when a request has an empty namespaceKey: the pod’s own namespace.',
  },
  {
    name: 'namespaces',
    env: 'ENSIGN_NAMESPACES',
    default: 'the default namespace',
    description: 'Comma-separated flag namespaces this sidecar serves; it is ready once each has a rule set.',
  },
  {
    name: 'grpc-addr',
    env: 'ENSIGN_GRPC_ADDR',
    default: '127.0.0.1:8413',
    description: 'Listen address of the Flipt-compatible gRPC evaluation API.',
  },
  {
    name: 'http-addr',
    env: 'ENSIGN_HTTP_ADDR',
    default: '127.0.0.1:8414',
    description: 'Listen address of the HTTP APIs: Flipt REST evaluation, OFREP and the client snapshot.',
  },
  {
    name: 'ops-addr',
    env: 'ENSIGN_OPS_ADDR',
    default: '0.0.0.0:8415',
    description: 'Listen address of /healthz, /readyz and /metrics (kubelet probes and Prometheus).',
  },
  {
    name: 'auth',
    env: 'ENSIGN_AUTH',
    default: 'required',
    description:
      'Caller authentication on the evaluation APIs: `required` (`Authorization: Bearer <token>`; tried in order: static tokens, JWTs, service-account tokens reviewed by the operator), or `none` (only when --grpc-addr and --http-addr are loopback addresses).',
  },
  {
    name: 'static-tokens-file',
    env: 'ENSIGN_STATIC_TOKENS_FILE',
    description:
      'File of static caller tokens, one `<token> <namespace>[/<serviceaccount>]` per line (`#` comments); tokens of at least 16 characters; re-read when it changes.',
  },
  {
    name: 'jwks-url',
    env: 'ENSIGN_JWKS_URL',
    description:
      'HTTPS URL of the JSON Web Key Set that verifies caller JWTs from --jwt-issuer (plain HTTP only on loopback).',
  },
  {
    name: 'jwks-file',
    env: 'ENSIGN_JWKS_FILE',
    description:
      'JSON Web Key Set file that verifies caller JWTs (instead of --jwks-url); re-read when it changes.',
  },
  {
    name: 'jwt-issuer',
    env: 'ENSIGN_JWT_ISSUER',
    description:
      'Required `iss` of caller JWTs; only tokens from this issuer are verified against the JWKS. Required with a JWKS.',
  },
  {
    name: 'jwt-audience',
    env: 'ENSIGN_JWT_AUDIENCE',
    description: 'Required `aud` of caller JWTs. Required with a JWKS.',
  },
  {
    name: 'jwt-namespace-claim',
    env: 'ENSIGN_JWT_NAMESPACE_CLAIM',
    default: 'the kubernetes.io claim, else a system:serviceaccount: sub',
    description: 'Top-level JWT claim naming the caller’s Kubernetes namespace.',
  },
  {
    name: 'jwt-service-account-claim',
    env: 'ENSIGN_JWT_SERVICE_ACCOUNT_CLAIM',
    default: 'as for the namespace',
    description: 'Top-level JWT claim naming the caller’s service account (within its namespace).',
  },
  {
    name: 'state-dir',
    env: 'ENSIGN_STATE_DIR',
    default: '$TMPDIR/ensign-sidecar',
    description:
      'Directory for the last good rule set of each namespace, loaded at start when the operator is unreachable.',
  },
  {
    name: 'sidecar-id',
    env: 'ENSIGN_SIDECAR_ID',
    default: '$POD_NAMESPACE/$POD_NAME, else the host name',
    description: 'Identifies this sidecar to the operator (logs, status).',
  },
  {
    name: 'grpc-reflection',
    env: 'ENSIGN_GRPC_REFLECTION',
    boolean: true,
    default: 'false',
    description: 'Serve gRPC server reflection on the evaluation gRPC port (for grpcurl).',
  },
  {
    name: 'metrics-flag-keys',
    env: 'ENSIGN_METRICS_FLAG_KEYS',
    description:
      'Comma-separated flag keys (at most 20) whose evaluations are also counted per flag, in `ensign_sidecar_flag_evaluations_total{flag,reason}`. Off by default: per-flag series multiply by every pod.',
  },
  {
    name: 'reconnect-min-ms',
    env: 'ENSIGN_RECONNECT_MIN_MS',
    default: '250',
    description: 'Smallest delay before reconnecting to the operator; doubles per failure with jitter.',
  },
  {
    name: 'reconnect-max-ms',
    env: 'ENSIGN_RECONNECT_MAX_MS',
    default: '15000',
    description: 'Largest delay before reconnecting to the operator.',
  },
  LOG_LEVEL_OPTION,
];

const address = addressValue;
const bool = booleanValue;
const namespaceName = namespaceValue;
const millis = z.coerce.number().int().min(1).max(3_600_000);
const path = z.string().min(1);
const claimName = z.string().min(1).max(256);
const AUTHENTICATOR_OPTIONS = [
  'static-tokens-file',
  'jwks-url',
  'jwks-file',
  'jwt-issuer',
  'jwt-audience',
  'jwt-namespace-claim',
  'jwt-service-account-claim',
] as const;

const schema = z
  .object({
    'operator-addr': address.default('127.0.0.1:8443'),
    'sync-insecure': bool.default(false),
    'sync-ca': path.optional(),
    'sync-ca-pem': z
      .string()
      .min(1)
      .refine((pem) => caBundleProblem(pem) === undefined, {
        error: (issue) => `is not a usable CA bundle: ${caBundleProblem(String(issue.input)) ?? ''}`,
      })
      .optional(),
    'sync-server-name': z.string().min(1).max(253).optional(),
    'token-file': path.default('/var/run/secrets/ensign/token'),
    'default-namespace': namespaceName,
    namespaces: z.array(namespaceName).min(1),
    'grpc-addr': address.default('127.0.0.1:8413'),
    'http-addr': address.default('127.0.0.1:8414'),
    'ops-addr': address.default('0.0.0.0:8415'),
    auth: z.enum(['required', 'none']).default('required'),
    'static-tokens-file': path.optional(),
    'jwks-url': z.url({ protocol: /^https?$/ }).optional(),
    'jwks-file': path.optional(),
    'jwt-issuer': z.string().min(1).optional(),
    'jwt-audience': z.string().min(1).optional(),
    'jwt-namespace-claim': claimName.optional(),
    'jwt-service-account-claim': claimName.optional(),
    'state-dir': z.string().min(1),
    'sidecar-id': z.string().min(1).max(253),
    'grpc-reflection': bool.default(false),
    'metrics-flag-keys': z
      .array(z.string().regex(/^[-_A-Za-z0-9]+$/, 'must be flag keys of letters, digits, - and _'))
      .max(
        MAX_METRICS_FLAG_KEYS,
        `names at most ${MAX_METRICS_FLAG_KEYS} flags: each adds series to every pod`,
      ),
    'reconnect-min-ms': millis.default(250),
    'reconnect-max-ms': millis.default(15_000),
    'log-level': logLevelValue,
  })
  .superRefine((c, ctx) => {
    if (c['sync-insecure'] && !isLoopbackAddress(c['operator-addr']))
      ctx.addIssue({
        code: 'custom',
        path: ['sync-insecure'],
        message: `an insecure sync connection is allowed only to a loopback operator address, not "${c['operator-addr']}"`,
      });
    if (c['sync-insecure'])
      for (const key of ['sync-ca', 'sync-ca-pem', 'sync-server-name'] as const)
        if (c[key] !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: 'has no effect with --sync-insecure; choose one',
          });
    if (c['sync-ca'] !== undefined && c['sync-ca-pem'] !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['sync-ca-pem'],
        message: 'and --sync-ca are alternatives; give one',
      });
    if (c.auth === 'none') {
      for (const key of ['grpc-addr', 'http-addr'] as const) {
        if (!isLoopbackAddress(c[key]))
          ctx.addIssue({
            code: 'custom',
            path: ['auth'],
            message: `--auth=none is allowed only when --${key} is a loopback address, not "${c[key]}"`,
          });
      }
      for (const key of AUTHENTICATOR_OPTIONS)
        if (c[key] !== undefined)
          ctx.addIssue({ code: 'custom', path: [key], message: 'has no effect with --auth=none' });
    } else {
      for (const issue of authenticatorIssues(c)) ctx.addIssue({ code: 'custom', ...issue });
    }
    if (c['reconnect-min-ms'] > c['reconnect-max-ms'])
      ctx.addIssue({
        code: 'custom',
        path: ['reconnect-min-ms'],
        message: 'must not exceed --reconnect-max-ms',
      });
  });

export type SidecarConfig = z.infer<typeof schema>;

type AuthenticatorConfig = Pick<SidecarConfig, 'sync-insecure' | (typeof AUTHENTICATOR_OPTIONS)[number]>;

/** Cross-field rules of --auth=required. */
function authenticatorIssues(c: AuthenticatorConfig): { path: string[]; message: string }[] {
  const issues: { path: string[]; message: string }[] = [];
  const jwks = c['jwks-url'] ?? c['jwks-file'];
  if (c['jwks-url'] !== undefined && c['jwks-file'] !== undefined)
    issues.push({ path: ['jwks-url'], message: 'and --jwks-file are alternatives; give one' });
  if (jwks !== undefined) {
    for (const key of ['jwt-issuer', 'jwt-audience'] as const)
      if (c[key] === undefined)
        issues.push({ path: [key], message: 'is required with --jwks-url or --jwks-file' });
  } else {
    for (const key of [
      'jwt-issuer',
      'jwt-audience',
      'jwt-namespace-claim',
      'jwt-service-account-claim',
    ] as const)
      if (c[key] !== undefined) issues.push({ path: [key], message: 'needs --jwks-url or --jwks-file' });
  }
  const url = c['jwks-url'];
  if (
    url !== undefined &&
    new URL(url).protocol === 'http:' &&
    !isLoopbackAddress(`${new URL(url).hostname}:80`)
  )
    issues.push({ path: ['jwks-url'], message: 'must use https unless the host is a loopback address' });
  if (c['sync-insecure'] && c['static-tokens-file'] === undefined && jwks === undefined)
    issues.push({
      path: ['auth'],
      message:
        '--auth=required with --sync-insecure needs --static-tokens-file or a JWKS: service-account tokens are reviewed by the operator over the authenticated TLS sync connection (use --auth=none with loopback listeners for local use)',
    });
  return issues;
}

export function parseSidecarConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  hostname: string,
): SidecarConfig {
  const raw = readOptions(SIDECAR_OPTIONS, argv, env);
  const defaultNamespace = raw['default-namespace'] ?? env.POD_NAMESPACE ?? 'default';
  const podId =
    env.POD_NAME === undefined ? hostname : `${env.POD_NAMESPACE ?? defaultNamespace}/${env.POD_NAME}`;
  const input = {
    ...raw,
    'default-namespace': defaultNamespace,
    namespaces: (raw.namespaces ?? defaultNamespace)
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    'metrics-flag-keys': [
      ...new Set(
        (raw['metrics-flag-keys'] ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== ''),
      ),
    ],
    'state-dir': raw['state-dir'] ?? join(tmpdir(), 'ensign-sidecar'),
    'sidecar-id': raw['sidecar-id'] ?? podId,
  };
  const result = schema.safeParse(input);
  if (!result.success) throw new OptionsError(describeIssues(SIDECAR_OPTIONS, result.error.issues));
  // The default namespace is always served: an empty namespaceKey must resolve somewhere.
  const namespaces = [...new Set([result.data['default-namespace'], ...result.data.namespaces])].sort();
  return { ...result.data, namespaces };
}
