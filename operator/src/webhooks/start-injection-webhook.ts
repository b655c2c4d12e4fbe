// Wiring of the injection webhook for main.ts: reads the injection config, decides native sidecars
// from the API server's version once, picks the serving certificate and the CA bundle (self-managed
// or files), and serves /inject over HTTPS.
import { readFile } from 'node:fs/promises';
import type { Server } from 'node:https';
import { HttpMethod } from '@kubernetes/client-node';
import type { Registry } from 'prom-client';
import { closeHttp, listenHttp } from '@ensign/core/listen.ts';
import type { Logger } from '@ensign/core/logger.ts';
import type { OperatorCertificates } from '../certificates/operator-certificates.ts';
import { describeKubeError } from '../kube/kube-result.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import { createFileCaBundle } from './file-ca-bundle.ts';
import { createFileServingTls } from './file-serving-tls.ts';
import {
  parseInjectionConfig,
  parseServerVersion,
  resolveNativeSidecars,
  syncServerNameFor,
  type InjectionConfig,
} from './injection-config.ts';
import { DEFAULT_INJECTION_CONFIG } from './options.ts';
import { reviewPod } from './review-pod.ts';
import { createWebhookMetrics } from './webhook-metrics.ts';
import { createWebhookServer } from './webhook-server.ts';

export interface StartInjectionWebhookOptions {
  readonly address: string;
  /** --injection-config when given explicitly; the default path is optional. */
  readonly configFile: string | undefined;
  /** Reads the API server's /version. */
  readonly client: Pick<KubeClient, 'request'>;
  /** Self-managed certificates; undefined with --cert-mode=files. */
  readonly certificates: Pick<OperatorCertificates, 'webhook' | 'caBundle'> | undefined;
  readonly files: {
    readonly certFile: string | undefined;
    readonly keyFile: string | undefined;
    readonly caFile: string | undefined;
  };
  readonly serviceName: string;
  readonly operatorNamespace: string;
  /** --watch-namespaces (empty: all); pods elsewhere get a warning. */
  readonly watchedNamespaces?: readonly string[];
  readonly registry: Registry;
  readonly logger: Logger;
  /** Where the config is looked for when --injection-config is not given. */
  readonly defaultConfigFile?: string;
}

export interface InjectionWebhook {
  /** The listening server (its address, for tests that listen on port 0). */
  readonly server: Server;
  close(): Promise<void>;
}

/** Starts the webhook, or returns undefined when there is no injection config at the default path. */
export async function startInjectionWebhook(
  options: StartInjectionWebhookOptions,
): Promise<InjectionWebhook | undefined> {
  const { logger } = options;
  const config = await readConfig(
    options.configFile,
    options.defaultConfigFile ?? DEFAULT_INJECTION_CONFIG,
    logger,
  );
  if (config === undefined) return undefined;
  const native = await nativeSidecars(config, options.client, logger);

  const fromFiles = options.certificates === undefined;
  const { certFile, keyFile, caFile } = options.files;
  if (fromFiles && (certFile === undefined || keyFile === undefined))
    throw new Error(
      'the injection webhook needs --webhook-tls-cert and --webhook-tls-key with --cert-mode=files (or --webhook-addr=off)',
    );
  const fileTls = fromFiles
    ? await createFileServingTls({ certFile: certFile ?? '', keyFile: keyFile ?? '', logger })
    : undefined;
  const fileCa =
    fromFiles && caFile !== undefined ? await createFileCaBundle({ file: caFile, logger }) : undefined;
  if (fromFiles && caFile === undefined)
    logger.warn({}, 'no --ca-file: injected sidecars trust the system roots for the operator certificate');
  const tls = options.certificates?.webhook ?? fileTls;
  if (tls === undefined) throw new Error('no webhook serving certificate');
  const caBundle = (): string | undefined => options.certificates?.caBundle() ?? fileCa?.current();

  const syncServerName = syncServerNameFor(config, {
    name: options.serviceName,
    namespace: options.operatorNamespace,
  });
  const excludedNamespaces = ['kube-system', options.operatorNamespace];
  const watchedNamespaces = options.watchedNamespaces ?? [];
  const webhook = createWebhookServer({
    tls,
    review: (body) =>
      reviewPod(body, {
        config,
        native,
        caBundle: caBundle(),
        syncServerName,
        excludedNamespaces,
        watchedNamespaces,
      }),
    metrics: createWebhookMetrics(options.registry),
    logger,
    now: () => performance.now(),
  });
  await listenHttp(webhook.server, options.address, 'webhook-addr');
  logger.info(
    { webhookAddr: options.address, native, image: config.image, operatorAddress: config.operatorAddress },
    'injection webhook listening',
  );
  return {
    server: webhook.server,
    async close() {
      webhook.close();
      fileTls?.close();
      fileCa?.close();
      await closeHttp(webhook.server, 1_000);
    },
  };
}

async function readConfig(
  explicit: string | undefined,
  defaultFile: string,
  logger: Logger,
): Promise<InjectionConfig | undefined> {
  const file = explicit ?? defaultFile;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (explicit === undefined && code === 'ENOENT') {
      logger.info({ file }, 'no injection config: the injection webhook is off');
      return undefined;
    }
    throw new Error(`cannot read the injection config --injection-config ${file}: ${code ?? String(error)}`, {
      cause: error,
    });
  }
  const parsed = parseInjectionConfig(text, file);
  if (!parsed.ok) throw new Error(`invalid injection config:\n${parsed.error}`);
  return parsed.value;
}

/** `native: auto` asks the API server once at start; after a control-plane upgrade, restart the operator. */
async function nativeSidecars(
  config: InjectionConfig,
  client: Pick<KubeClient, 'request'>,
  logger: Logger,
): Promise<boolean> {
  if (config.native !== 'auto') return resolveNativeSidecars(config.native, undefined);
  const result = await client.request<unknown>(HttpMethod.GET, '/version', { timeoutMs: 10_000 });
  if (!result.ok) {
    logger.warn(
      { err: describeKubeError(result.error) },
      'cannot read the API server version; injecting the sidecar as a regular container',
    );
    return false;
  }
  const version = parseServerVersion(result.value);
  const native = resolveNativeSidecars('auto', version);
  logger.info({ serverVersion: version, native }, 'native sidecar mode decided from the API server version');
  return native;
}
