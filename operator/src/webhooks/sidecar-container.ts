// The objects the webhook adds to a pod: the sidecar container, its two volumes and the env vars
// that tell app containers where the sidecar listens. Pure: everything comes from the arguments.
import type { InjectionConfig } from './injection-config.ts';
import {
  SIDECAR_CONTAINER,
  SIDECAR_PORTS,
  SIDECAR_UID,
  STATE_DIR,
  STATE_VOLUME,
  TOKEN_AUDIENCE,
  TOKEN_FILE,
  TOKEN_MOUNT_PATH,
  TOKEN_VOLUME,
} from './injection-names.ts';
import type { PodSettings } from './pod-settings.ts';

export interface SidecarContext {
  readonly config: InjectionConfig;
  /** Native sidecar (restartable init container) or a regular container (clusters < 1.29). */
  readonly native: boolean;
  /** PEM of the CAs the sidecar trusts for the sync connection; the system roots when undefined. */
  readonly caBundle: string | undefined;
  /** Name the operator's sync certificate carries, when not the host of operatorAddress. */
  readonly syncServerName: string | undefined;
}

export type EnvVar =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly valueFrom: { readonly fieldRef: { readonly fieldPath: string } } };

const fieldRef = (name: string, fieldPath: string): EnvVar => ({
  name,
  valueFrom: { fieldRef: { fieldPath } },
});

/** Passes the `restricted` Pod Security Standard; the images run as this numeric user. */
export const SIDECAR_SECURITY_CONTEXT = {
  runAsNonRoot: true,
  runAsUser: SIDECAR_UID,
  runAsGroup: SIDECAR_UID,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
} as const;

export function sidecarEnv(context: SidecarContext, settings: PodSettings): EnvVar[] {
  const env: EnvVar[] = [
    fieldRef('POD_NAME', 'metadata.name'),
    fieldRef('POD_NAMESPACE', 'metadata.namespace'),
    { name: 'ENSIGN_OPERATOR_ADDR', value: context.config.operatorAddress },
  ];
  if (context.caBundle !== undefined && context.caBundle !== '')
    env.push({ name: 'ENSIGN_SYNC_CA_PEM', value: context.caBundle });
  if (context.syncServerName !== undefined)
    env.push({ name: 'ENSIGN_SYNC_SERVER_NAME', value: context.syncServerName });
  env.push(
    { name: 'ENSIGN_TOKEN_FILE', value: `${TOKEN_MOUNT_PATH}/${TOKEN_FILE}` },
    fieldRef('ENSIGN_DEFAULT_NAMESPACE', 'metadata.namespace'),
  );
  if (settings.extraNamespaces.length > 0)
    // The sidecar always serves its default namespace as well.
    env.push({ name: 'ENSIGN_NAMESPACES', value: settings.extraNamespaces.join(',') });
  env.push(
    { name: 'ENSIGN_STATE_DIR', value: STATE_DIR },
    // The kubelet expands $(VAR) from the env vars defined above it.
    { name: 'ENSIGN_SIDECAR_ID', value: '$(POD_NAMESPACE)/$(POD_NAME)' },
    { name: 'ENSIGN_LOG_LEVEL', value: settings.logLevel },
    ...context.config.env,
  );
  return env;
}

export function sidecarContainer(context: SidecarContext, settings: PodSettings): Record<string, unknown> {
  const { config } = context;
  const probe = (path: string) => ({ httpGet: { path, port: SIDECAR_PORTS.ops, scheme: 'HTTP' } });
  return {
    name: SIDECAR_CONTAINER,
    image: config.image,
    imagePullPolicy: config.imagePullPolicy,
    ...(context.native ? { restartPolicy: 'Always' } : {}),
    ports: [{ name: 'ensign-ops', containerPort: SIDECAR_PORTS.ops, protocol: 'TCP' }],
    env: sidecarEnv(context, settings),
    resources: settings.resources,
    securityContext: SIDECAR_SECURITY_CONTEXT,
    // Passes only once every served namespace has a rule set: with a native sidecar the kubelet
    // starts the app containers only after this, so the app never runs without flags.
    startupProbe: { ...probe('/readyz'), periodSeconds: 1, failureThreshold: config.startupTimeoutSeconds },
    readinessProbe: { ...probe('/readyz'), periodSeconds: 10, failureThreshold: 3 },
    livenessProbe: { ...probe('/healthz'), periodSeconds: 10, failureThreshold: 3 },
    volumeMounts: [
      { name: TOKEN_VOLUME, mountPath: TOKEN_MOUNT_PATH, readOnly: true },
      { name: STATE_VOLUME, mountPath: STATE_DIR },
    ],
    terminationMessagePolicy: 'FallbackToLogsOnError',
  };
}

export function sidecarVolumes(config: InjectionConfig): Record<string, unknown>[] {
  return [
    {
      name: TOKEN_VOLUME,
      projected: {
        sources: [
          {
            serviceAccountToken: {
              audience: TOKEN_AUDIENCE,
              expirationSeconds: config.tokenExpirationSeconds,
              path: TOKEN_FILE,
            },
          },
        ],
      },
    },
    { name: STATE_VOLUME, emptyDir: {} },
  ];
}

/**
 * The pod's projected token (audience "ensign"), mounted read-only into app containers too: the
 * sidecar requires callers to authenticate, and this is the credential an app in the pod has
 * without any set-up. ENSIGN_TOKEN_FILE says where it is; apps re-read it (the kubelet rotates it).
 */
export const APP_TOKEN_MOUNT = { name: TOKEN_VOLUME, mountPath: TOKEN_MOUNT_PATH, readOnly: true } as const;

/**
 * What app containers are told. ENSIGN_* are ours; OFREP_ENDPOINT is the variable OpenFeature's
 * OFREP providers read (OpenFeature protocol ADR 0007). Flipt's SDKs read no env var, and the
 * flagd providers' FLAGD_* would point them at a protocol the sidecar does not serve.
 */
export function appEnv(): EnvVar[] {
  const http = `http://127.0.0.1:${SIDECAR_PORTS.http}`;
  return [
    { name: 'ENSIGN_GRPC_ADDR', value: `127.0.0.1:${SIDECAR_PORTS.grpc}` },
    { name: 'ENSIGN_HTTP_ADDR', value: http },
    { name: 'ENSIGN_TOKEN_FILE', value: `${TOKEN_MOUNT_PATH}/${TOKEN_FILE}` },
    { name: 'OFREP_ENDPOINT', value: http },
  ];
}
