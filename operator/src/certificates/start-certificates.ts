// Wiring of the self-managed certificates for main.ts: the Secret, the caBundle injector and the
// expiry metric, over one API client.
import { randomInt } from 'node:crypto';
import type { Registry } from 'prom-client';
import type { KubeClient } from '../kube/kube-client.ts';
import { systemClock, type Clock } from '../runtime/clock.ts';
import { serviceDnsNames } from './certificate-data.ts';
import { registerCertificateExpiry } from './certificate-metrics.ts';
import { kubeCertificateSecretApi } from './certificate-secret.ts';
import {
  startSelfManagedCertificates,
  type CertificateLogger,
  type SelfManagedCertificates,
} from './self-managed-certificates.ts';
import {
  kubeWebhookConfigurationApi,
  startWebhookCaInjector,
  type WebhookCaInjector,
} from './webhook-ca-injector.ts';

export interface StartCertificatesOptions {
  readonly client: KubeClient;
  readonly operatorNamespace: string;
  readonly secretName: string;
  readonly serviceName: string;
  readonly webhookConfiguration: string;
  /** Renewals and the caBundle are the leader's; read at every pass. */
  readonly isLeader: () => boolean;
  readonly registry: Registry;
  readonly logger: CertificateLogger;
  readonly clock?: Clock;
}

export interface StartedCertificates {
  readonly certificates: SelfManagedCertificates;
  readonly injector: WebhookCaInjector;
  /** Call on becoming the leader: renewals and the caBundle need not wait for the next poll. */
  leadershipChanged(): void;
  close(): void;
}

export async function startCertificates(options: StartCertificatesOptions): Promise<StartedCertificates> {
  const clock = options.clock ?? systemClock;
  const certificates = await startSelfManagedCertificates({
    api: kubeCertificateSecretApi(options.client, options.operatorNamespace, options.secretName),
    names: { dnsNames: serviceDnsNames(options.serviceName, options.operatorNamespace) },
    isLeader: options.isLeader,
    clock,
    random: () => randomInt(0, 2 ** 32) / 2 ** 32,
    logger: options.logger,
  });
  registerCertificateExpiry(options.registry, () => certificates.expiries());
  const injector = startWebhookCaInjector({
    api: kubeWebhookConfigurationApi(options.client, options.webhookConfiguration),
    caBundle: () => certificates.caBundle(),
    onCaChange: (listener) => certificates.onCaChange(listener),
    isLeader: options.isLeader,
    clock,
    logger: options.logger,
  });
  return {
    certificates,
    injector,
    leadershipChanged: () => {
      void certificates.recheck();
      void injector.sync();
    },
    close: () => {
      injector.close();
      certificates.close();
    },
  };
}
