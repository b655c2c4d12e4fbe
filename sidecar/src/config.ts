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
import type { OptionSpec } from '@ensign/core/cli-options.ts';

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
      'Caller authentication on the evaluation APIs: `required`, or `none` (only when --grpc-addr and --http-addr are loopback addresses).',
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

const schema = z
  .object({
    'operator-addr': address.default('127.0.0.1:8443'),
    'sync-insecure': bool.default(false),
    'default-namespace': namespaceName,
    namespaces: z.array(namespaceName).min(1),
    'grpc-addr': address.default('127.0.0.1:8413'),
    'http-addr': address.default('127.0.0.1:8414'),
    'ops-addr': address.default('0.0.0.0:8415'),
    auth: z.enum(['required', 'none']).default('required'),
    'state-dir': z.string().min(1),
    'sidecar-id': z.string().min(1).max(253),
    'grpc-reflection': bool.default(false),
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
    if (!c['sync-insecure'])
      ctx.addIssue({
        code: 'custom',
        path: ['sync-insecure'],
        message:
          'TLS and token authentication for the sync connection are not available in this build; pass --sync-insecure with a loopback --operator-addr',
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
    } else {
      ctx.addIssue({
        code: 'custom',
        path: ['auth'],
        message:
          'caller authentication (--auth=required) needs the operator’s token review, which is not available in this build; pass --auth=none with loopback listeners for local use',
      });
    }
    if (c['reconnect-min-ms'] > c['reconnect-max-ms'])
      ctx.addIssue({
        code: 'custom',
        path: ['reconnect-min-ms'],
        message: 'must not exceed --reconnect-max-ms',
      });
  });

export type SidecarConfig = z.infer<typeof schema>;

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
    'state-dir': raw['state-dir'] ?? join(tmpdir(), 'ensign-sidecar'),
    'sidecar-id': raw['sidecar-id'] ?? podId,
  };
  const result = schema.safeParse(input);
  if (!result.success) throw new OptionsError(describeIssues(SIDECAR_OPTIONS, result.error.issues));
  // The default namespace is always served: an empty namespaceKey must resolve somewhere.
  const namespaces = [...new Set([result.data['default-namespace'], ...result.data.namespaces])].sort();
  return { ...result.data, namespaces };
}
