// Keeps `clientConfig.caBundle` of every webhook in the operator's MutatingWebhookConfiguration
// equal to the CA bundle (leader only). It polls the one object with GET instead of watching it:
// the operator's RBAC then needs only get and patch on that name, drift is rare (a replace by a
// deploy tool), and a pod created in the few seconds before the repair is caught by the
// un-injected pod detection. A CA change is pushed at once.
import type { KubeClient } from '../kube/kube-client.ts';
import {
  describeKubeError,
  HTTP_CONFLICT,
  HTTP_NOT_FOUND,
  ok,
  type KubeResult,
} from '../kube/kube-result.ts';
import type { ResourceType } from '../kube/resource-type.ts';
import type { Clock } from '../runtime/clock.ts';
import { caBundlePatch, parseWebhookConfiguration, type JsonPatchOperation } from './ca-bundle-patch.ts';
import type { CertificateLogger } from './self-managed-certificates.ts';

export const MUTATING_WEBHOOK_CONFIGURATION: ResourceType = {
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  plural: 'mutatingwebhookconfigurations',
  kind: 'MutatingWebhookConfiguration',
  namespaced: false,
};

export interface WebhookConfigurationApi {
  readonly name: string;
  /** undefined when it does not exist. */
  get(): Promise<KubeResult<unknown>>;
  patch(operations: readonly JsonPatchOperation[]): Promise<KubeResult<unknown>>;
}

export function kubeWebhookConfigurationApi(client: KubeClient, name: string): WebhookConfigurationApi {
  return {
    name,
    async get() {
      const result = await client.get(MUTATING_WEBHOOK_CONFIGURATION, undefined, name);
      return !result.ok && result.error.code === HTTP_NOT_FOUND ? ok(undefined) : result;
    },
    patch: (operations) => client.patch(MUTATING_WEBHOOK_CONFIGURATION, undefined, name, operations, 'json'),
  };
}

export type InjectOutcome = 'patched' | 'unchanged' | 'missing' | 'not-leader' | 'error';

export interface WebhookCaInjectorOptions {
  readonly api: WebhookConfigurationApi;
  readonly caBundle: () => string;
  readonly onCaChange: (listener: () => void) => () => void;
  readonly isLeader: () => boolean;
  readonly clock: Clock;
  readonly logger: CertificateLogger;
  /** Default 10 s. */
  readonly intervalMs?: number | undefined;
}

export interface WebhookCaInjector {
  /** One check now (tests, becoming the leader). */
  sync(): Promise<InjectOutcome>;
  close(): void;
}

const DEFAULT_INTERVAL_MS = 10_000;
const CONFLICT_RETRIES = 3;

export function startWebhookCaInjector(options: WebhookCaInjectorOptions): WebhookCaInjector {
  const { api, clock, logger } = options;
  const target = { webhookConfiguration: api.name };
  let timer: unknown;
  let closed = false;
  let running: Promise<InjectOutcome> | undefined;
  let lastOutcome: InjectOutcome | undefined;

  const once = async (): Promise<InjectOutcome> => {
    if (!options.isLeader()) return 'not-leader';
    for (let attempt = 0; attempt <= CONFLICT_RETRIES; attempt++) {
      const read = await api.get();
      if (!read.ok) {
        logger.warn(
          { ...target, error: describeKubeError(read.error) },
          'cannot read the webhook configuration',
        );
        return 'error';
      }
      if (read.value === undefined) {
        if (lastOutcome !== 'missing')
          logger.warn(target, 'webhook configuration not found; its caBundle is set once it exists');
        return 'missing';
      }
      const config = parseWebhookConfiguration(read.value);
      if (config === undefined) {
        logger.warn(target, 'webhook configuration has an unexpected shape');
        return 'error';
      }
      const patch = caBundlePatch(config, options.caBundle());
      if (patch === undefined) return 'unchanged';
      const written = await api.patch(patch.operations);
      if (written.ok) {
        logger.info({ ...target, webhooks: patch.webhooks }, 'caBundle set in the webhook configuration');
        return 'patched';
      }
      if (written.error.code !== HTTP_CONFLICT) {
        logger.warn(
          { ...target, error: describeKubeError(written.error) },
          'cannot patch the webhook caBundle',
        );
        return 'error';
      }
    }
    return 'error';
  };

  const sync = (): Promise<InjectOutcome> => {
    if (running !== undefined) return running;
    clock.clearTimeout(timer);
    running = once()
      .catch((error: unknown) => {
        logger.warn({ ...target, err: error }, 'caBundle check failed');
        return 'error' as const;
      })
      .then((outcome) => {
        lastOutcome = outcome;
        running = undefined;
        if (!closed) timer = clock.setTimeout(() => void sync(), options.intervalMs ?? DEFAULT_INTERVAL_MS);
        return outcome;
      });
    return running;
  };

  const unsubscribe = options.onCaChange(() => void sync());
  void sync();
  return {
    sync,
    close: () => {
      closed = true;
      unsubscribe();
      clock.clearTimeout(timer);
    },
  };
}
