// Names the injection shares with the chart, the un-injected pod detection and the docs
// (docs/injection.md); changing one is a breaking change for users' manifests.

export const SIDECAR_CONTAINER = 'ensign-sidecar';

export const ANNOTATIONS = {
  /** `"true"` opts a pod in; `"false"` opts it out even in a labelled namespace. */
  inject: 'ensign.dev/inject',
  /** Set on every pod the webhook mutated. */
  injected: 'ensign.dev/injected',
  cpuRequest: 'ensign.dev/cpu-request',
  memoryRequest: 'ensign.dev/memory-request',
  cpuLimit: 'ensign.dev/cpu-limit',
  memoryLimit: 'ensign.dev/memory-limit',
  /** More flag namespaces the sidecar serves besides the pod's own (comma-separated). */
  namespaces: 'ensign.dev/namespaces',
  logLevel: 'ensign.dev/log-level',
  /** `"false"`: leave the app containers' env alone. */
  appEnv: 'ensign.dev/app-env',
  /** The kubelet's static-pod mirrors; never mutated. */
  mirror: 'kubernetes.io/config.mirror',
} as const;

/** Namespace label opting in every pod of the namespace: `ensign.dev/inject: enabled`. */
export const NAMESPACE_LABEL = 'ensign.dev/inject';
export const NAMESPACE_LABEL_VALUE = 'enabled';

export const TOKEN_VOLUME = 'ensign-token';
export const TOKEN_MOUNT_PATH = '/var/run/secrets/ensign.dev/serviceaccount';
export const TOKEN_FILE = 'token';
export const TOKEN_AUDIENCE = 'ensign';
export const STATE_VOLUME = 'ensign-state';
export const STATE_DIR = '/var/lib/ensign';

export const SIDECAR_PORTS = { grpc: 8413, http: 8414, ops: 8415 } as const;
/** The images' numeric non-root user and group. */
export const SIDECAR_UID = 65532;
