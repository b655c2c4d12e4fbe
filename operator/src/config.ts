// The operator's configuration: flags and environment variables, parsed once at start-up.
import { z } from 'zod';
import { describeIssues, isLoopbackAddress, OptionsError, readOptions } from '@ensign/core/cli-options.ts';
import { addressValue, booleanValue, LOG_LEVEL_OPTION, logLevelValue } from '@ensign/core/option-schemas.ts';
import type { OptionSpec } from '@ensign/core/cli-options.ts';

export const OPERATOR_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'source',
    env: 'ENSIGN_SOURCE',
    description:
      'Where Flags, Segments and FlagNamespaces come from: `dir:PATH` reads YAML files under PATH (any depth, multi-document) and watches them.',
  },
  {
    name: 'sync-addr',
    env: 'ENSIGN_SYNC_ADDR',
    default: '0.0.0.0:8443',
    description: 'Listen address of the sync gRPC service that sidecars watch.',
  },
  {
    name: 'sync-insecure',
    env: 'ENSIGN_SYNC_INSECURE',
    boolean: true,
    default: 'false',
    description:
      'Serve sync without TLS or sidecar authentication. Allowed only when --sync-addr is a loopback address (local mode).',
  },
  {
    name: 'ops-addr',
    env: 'ENSIGN_OPS_ADDR',
    default: '0.0.0.0:8080',
    description: 'Listen address of /healthz, /readyz and /metrics.',
  },
  {
    name: 'debounce-ms',
    env: 'ENSIGN_DEBOUNCE_MS',
    default: '50',
    description:
      'In dir mode, how long to wait after a file change before re-reading (editors write in bursts).',
  },
  LOG_LEVEL_OPTION,
];

const address = addressValue;
const bool = booleanValue;

const source = z
  .string({ error: 'is required; use --source=dir:PATH (e.g. --source=dir:examples)' })
  .transform((value, ctx) => {
    if (value.startsWith('dir:') && value.length > 4) return { kind: 'dir' as const, path: value.slice(4) };
    ctx.addIssue({
      code: 'custom',
      message: `"${value}" is not a supported source; this build supports dir:PATH (the Kubernetes API source comes with the cluster release)`,
    });
    return z.NEVER;
  });

const schema = z
  .object({
    source,
    'sync-addr': address.default('0.0.0.0:8443'),
    'sync-insecure': bool.default(false),
    'ops-addr': address.default('0.0.0.0:8080'),
    'debounce-ms': z.coerce.number().int().min(0).max(60_000).default(50),
    'log-level': logLevelValue,
  })
  .superRefine((c, ctx) => {
    if (!c['sync-insecure'])
      ctx.addIssue({
        code: 'custom',
        path: ['sync-insecure'],
        message:
          'TLS for the sync service is not available in this build; pass --sync-insecure with a loopback --sync-addr for local use',
      });
    else if (!isLoopbackAddress(c['sync-addr']))
      ctx.addIssue({
        code: 'custom',
        path: ['sync-insecure'],
        message: `insecure sync is allowed only on a loopback address, not "${c['sync-addr']}"`,
      });
  });

export type OperatorConfig = z.infer<typeof schema>;

export function parseOperatorConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): OperatorConfig {
  const result = schema.safeParse(readOptions(OPERATOR_OPTIONS, argv, env));
  if (!result.success) throw new OptionsError(describeIssues(OPERATOR_OPTIONS, result.error.issues));
  return result.data;
}
