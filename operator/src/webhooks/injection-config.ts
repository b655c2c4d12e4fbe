// The injection config file (--injection-config): what the webhook puts into pods. YAML parsed once
// at start with zod; every error names the field at fault. The chart renders it from values.sidecar.
import { isIP } from 'node:net';
import { z } from 'zod';
import { parseDocument } from 'yaml';
import { splitHostPort } from '@ensign/core/cli-options.ts';
import { LOG_LEVELS } from '@ensign/core/option-schemas.ts';
import { quantityValue } from './quantity.ts';

// YAML reads `cpu: 1` or `cpu: 0.5` as numbers; Kubernetes quantities are strings.
const quantity = z
  .union([z.string(), z.number().nonnegative().transform(String)])
  .refine((v) => quantityValue(v) !== undefined, {
    message: 'must be a Kubernetes quantity such as 100m, 0.5, 64Mi or 1G',
  });

const resourceList = z.strictObject({ cpu: quantity.optional(), memory: quantity.optional() });

/** Image references are `repository[:tag]` or `repository@sha256:…`: no spaces, no scheme. */
const imageReference = z
  .string()
  .min(1)
  .regex(/^[a-z0-9][a-z0-9._\-/:@]*$/i, 'must be an image reference like registry/name:tag or name@sha256:…');

const RESERVED_ENV = /^(ENSIGN_.*|POD_NAME|POD_NAMESPACE)$/;

export const NATIVE_MODES = ['auto', 'always', 'never'] as const;
export type NativeMode = (typeof NATIVE_MODES)[number];

export const injectionConfigSchema = z.strictObject({
  image: imageReference,
  imagePullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).default('IfNotPresent'),
  native: z.enum(NATIVE_MODES).default('auto'),
  operatorAddress: z.string().refine((v) => splitHostPort(v) !== undefined, 'must be host:port'),
  /**
   * Name the operator's sync certificate carries, when it is not the host of operatorAddress.
   * Without it and with an IP address as operatorAddress, `<service>.<namespace>.svc` is used.
   */
  syncServerName: z.string().min(1).max(253).optional(),
  resources: z
    .strictObject({ requests: resourceList.optional(), limits: resourceList.optional() })
    // An idle sidecar's resident set is ~75 MiB anonymous plus the Node binary's pages, all charged
    // to the container's cgroup: a 128Mi limit leaves no head-room for a large rule set.
    .default({ requests: { cpu: '10m', memory: '96Mi' }, limits: { memory: '256Mi' } }),
  // The API server refuses projected tokens shorter than 10 minutes.
  tokenExpirationSeconds: z.number().int().min(600).max(86_400).default(600),
  logLevel: z.enum(LOG_LEVELS).default('info'),
  /** How long the startup probe waits for the first rule set before the kubelet restarts the sidecar. */
  startupTimeoutSeconds: z.number().int().min(5).max(3600).default(120),
  /** Whether app containers get ENSIGN_* and OFREP_ENDPOINT env vars (pods can opt out). */
  appEnv: z.boolean().default(true),
  /**
   * Extra env vars for the sidecar container, after its own (so `$(POD_NAME)` and
   * `$(POD_NAMESPACE)` expand) — e.g. OTEL_EXPORTER_OTLP_ENDPOINT to turn tracing on.
   */
  env: z
    .array(
      z.strictObject({
        name: z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
          .refine((name) => !RESERVED_ENV.test(name), {
            message: 'is set by the webhook itself (ENSIGN_* and POD_NAME/POD_NAMESPACE are reserved)',
          }),
        value: z.string(),
      }),
    )
    .max(50)
    .default([]),
});

export type InjectionConfig = z.infer<typeof injectionConfigSchema>;
export type ResourceList = z.infer<typeof resourceList>;
export interface Resources {
  readonly requests?: ResourceList | undefined;
  readonly limits?: ResourceList | undefined;
}

export type ParseResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** Parses the YAML text of the config file; `source` names the file in errors. */
export function parseInjectionConfig(text: string, source: string): ParseResult<InjectionConfig> {
  const doc = parseDocument(text);
  if (doc.errors.length > 0)
    return { ok: false, error: `${source}: not valid YAML: ${doc.errors.map((e) => e.message).join('; ')}` };
  const result = injectionConfigSchema.safeParse(doc.toJS() ?? {});
  if (!result.success)
    return {
      ok: false,
      error: result.error.issues
        .map((issue) => {
          const field = issue.path.map(String).join('.');
          return `${source}: ${field === '' ? '' : `${field}: `}${issue.message}`;
        })
        .join('\n'),
    };
  return { ok: true, value: result.data };
}

export interface ServerVersion {
  readonly major: number;
  readonly minor: number;
}

/** The version from the API server's /version body: gitVersion (`v1.29.3-eks-…`), else major/minor (`29+`). */
export function parseServerVersion(body: unknown): ServerVersion | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { gitVersion, major, minor } = body as Record<string, unknown>;
  const git = typeof gitVersion === 'string' ? /^v?(\d+)\.(\d+)/.exec(gitVersion) : null;
  if (git !== null) return { major: Number(git[1]), minor: Number(git[2]) };
  const leadingNumber = (value: unknown): number | undefined => {
    const match = typeof value === 'string' ? /^(\d+)/.exec(value) : null;
    return match === null ? undefined : Number(match[1]);
  };
  const ma = leadingNumber(major);
  const mi = leadingNumber(minor);
  return ma === undefined || mi === undefined ? undefined : { major: ma, minor: mi };
}

/** Native sidecars (restartable init containers) are beta and on by default from Kubernetes 1.29. */
export function resolveNativeSidecars(mode: NativeMode, server: ServerVersion | undefined): boolean {
  if (mode !== 'auto') return mode === 'always';
  if (server === undefined) return false;
  return server.major > 1 || (server.major === 1 && server.minor >= 29);
}

/**
 * The name the sidecar checks on the operator's sync certificate: the config's syncServerName;
 * else, when operatorAddress is an IP address, the operator Service's `<svc>.<ns>.svc` (which the
 * certificate carries); else none, and the sidecar checks the host of operatorAddress.
 */
export function syncServerNameFor(
  config: Pick<InjectionConfig, 'operatorAddress' | 'syncServerName'>,
  service: { readonly name: string; readonly namespace: string } | undefined,
): string | undefined {
  if (config.syncServerName !== undefined) return config.syncServerName;
  const host = splitHostPort(config.operatorAddress)?.host.replace(/^\[(.*)\]$/, '$1') ?? '';
  if (isIP(host) === 0 || service === undefined) return undefined;
  return `${service.name}.${service.namespace}.svc`;
}
