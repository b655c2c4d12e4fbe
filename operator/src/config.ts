// The operator's configuration: flags and environment variables, parsed once at start-up.
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
import { OPERATOR_AUTH_OPTIONS, operatorAuthIssues, operatorAuthShape } from './auth/options.ts';
import {
  CERTIFICATE_OPTIONS,
  certificateIssues,
  certificateShape,
  selfManaged,
} from './certificates/options.ts';
import { WEBHOOK_OPTIONS, webhookIssues, webhookShape } from './webhooks/options.ts';

export const OPERATOR_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'source',
    env: 'ENSIGN_SOURCE',
    default: 'kubernetes',
    description:
      'Where Flags, Segments and FlagNamespaces come from: `kubernetes` watches them on the API server and writes their status; `dir:PATH` reads YAML files under PATH (any depth, multi-document) and watches them (local mode).',
  },
  {
    name: 'kubeconfig',
    env: 'ENSIGN_KUBECONFIG',
    default: '$KUBECONFIG, else the pod service account, else ~/.kube/config',
    description: 'Kubeconfig file for the API server (kubernetes source).',
  },
  {
    name: 'watch-namespaces',
    env: 'ENSIGN_WATCH_NAMESPACES',
    default: 'all namespaces',
    description:
      'Comma-separated namespaces whose Flags and Segments (and the FlagNamespaces of those names) the operator watches; empty watches the whole cluster.',
  },
  {
    name: 'leader-election',
    env: 'ENSIGN_LEADER_ELECTION',
    boolean: true,
    default: 'true',
    description:
      'Elect one replica through a coordination.k8s.io Lease to write status and Events; every replica compiles and serves sidecars either way. `false` makes this replica write (run one replica only).',
  },
  {
    name: 'leader-election-namespace',
    env: 'ENSIGN_LEADER_ELECTION_NAMESPACE',
    default: '$POD_NAMESPACE',
    description:
      'Namespace of the leader election Lease (required with --leader-election when POD_NAMESPACE is unset).',
  },
  {
    name: 'lease-name',
    env: 'ENSIGN_LEASE_NAME',
    default: 'ensign-operator',
    description: 'Name of the leader election Lease.',
  },
  {
    name: 'pod-name',
    env: 'ENSIGN_POD_NAME',
    default: '$POD_NAME, else the host name',
    description: 'This replica in the Lease (with a random suffix) and as the reporting instance of Events.',
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
  ...OPERATOR_AUTH_OPTIONS,
  ...CERTIFICATE_OPTIONS,
  ...WEBHOOK_OPTIONS,
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

/** A Kubernetes object name (RFC 1123 subdomain). */
const objectNameValue = z
  .string()
  .max(253)
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
    'must be a Kubernetes object name',
  );

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

const address = addressValue;
const bool = booleanValue;

export type SourceConfig = { readonly kind: 'kubernetes' } | { readonly kind: 'dir'; readonly path: string };

const source = z
  .string()
  .default('kubernetes')
  .transform((value, ctx): SourceConfig => {
    if (value === 'kubernetes') return { kind: 'kubernetes' };
    if (value.startsWith('dir:') && value.length > 4) return { kind: 'dir', path: value.slice(4) };
    ctx.addIssue({
      code: 'custom',
      message: `"${value}" is not a supported source; use kubernetes or dir:PATH (e.g. --source=dir:examples)`,
    });
    return z.NEVER;
  });

const namespaceList = z
  .string()
  .default('')
  .transform((value) =>
    [
      ...new Set(
        value
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== ''),
      ),
    ].sort(),
  )
  .pipe(z.array(namespaceValue));

const schema = z
  .object({
    source,
    'sync-addr': address.default('0.0.0.0:8443'),
    'sync-insecure': bool.default(false),
    ...operatorAuthShape,
    ...certificateShape,
    ...webhookShape,
    'ops-addr': address.default('0.0.0.0:8080'),
    'debounce-ms': z.coerce.number().int().min(0).max(60_000).default(50),
    kubeconfig: z.string().min(1).optional(),
    'watch-namespaces': namespaceList,
    'leader-election': bool.default(true),
    'leader-election-namespace': namespaceValue.optional(),
    'lease-name': objectNameValue.default('ensign-operator'),
    'pod-name': z.string().min(1).max(253),
    'log-level': logLevelValue,
  })
  .superRefine((c, ctx) => {
    if (
      c.source.kind === 'kubernetes' &&
      c['leader-election'] &&
      c['leader-election-namespace'] === undefined
    )
      ctx.addIssue({
        code: 'custom',
        path: ['leader-election-namespace'],
        message:
          'is required for leader election when POD_NAMESPACE is not set (or pass --leader-election=false)',
      });
    // Self-managed certificates replace the sync TLS files.
    const tlsIssues = selfManaged(c) ? [] : operatorAuthIssues(c);
    for (const issue of [...tlsIssues, ...certificateIssues(c), ...webhookIssues(c)])
      ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
    // Sidecars are authenticated by TokenReview, which needs the API server: a directory source
    // can only serve trusted local sidecars.
    if (c.source.kind === 'dir' && !c['sync-insecure'])
      ctx.addIssue({
        code: 'custom',
        path: ['sync-insecure'],
        message:
          'a dir: source cannot authenticate sidecars; serve it with --sync-insecure on a loopback --sync-addr',
      });
    if (c['sync-insecure'] && !isLoopbackAddress(c['sync-addr']))
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
  hostname = 'localhost',
): OperatorConfig {
  const raw = readOptions(OPERATOR_OPTIONS, argv, env);
  const input = {
    ...raw,
    'leader-election-namespace': raw['leader-election-namespace'] ?? nonEmpty(env.POD_NAMESPACE),
    'operator-namespace': raw['operator-namespace'] ?? nonEmpty(env.POD_NAMESPACE),
    'pod-name': raw['pod-name'] ?? nonEmpty(env.POD_NAME) ?? hostname,
  };
  const result = schema.safeParse(input);
  if (!result.success) throw new OptionsError(describeIssues(OPERATOR_OPTIONS, result.error.issues));
  return result.data;
}
