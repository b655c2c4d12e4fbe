// Self-managed certificates (--cert-mode=self-managed): the certificate Secret is the source of
// truth and every replica serves what it holds. Each replica re-reads it periodically and plans:
// - nothing to do → serve the Secret's certificates;
// - a renewal (due, or other DNS names) → only the leader writes; followers keep serving the
//   still-valid certificates and pick up the leader's write on a later read;
// - nothing servable (no Secret, unreadable or expired material) → any replica writes, so start-up
//   never waits for an election.
// Writes are conditional (create, or replace with the resourceVersion read): when two replicas
// race, one wins, the other gets 409, re-reads and serves the winner's certificates.
import { X509Certificate } from 'node:crypto';
import { describeKubeError, HTTP_CONFLICT } from '../kube/kube-result.ts';
import { backoffDelay } from '../runtime/backoff.ts';
import type { Clock } from '../runtime/clock.ts';
import { buildCertificateData } from './build-certificate-data.ts';
import {
  DATA_KEY,
  LEAF_KEYS,
  type CertificateData,
  type CertificateNames,
  type LeafName,
} from './certificate-data.ts';
import type { CertificateSecretApi, StoredSecret } from './certificate-secret.ts';
import {
  Listeners,
  type OperatorCertificates,
  type ServingPem,
  type ServingTls,
} from './operator-certificates.ts';
import { planCertificates } from './plan-certificates.ts';

export interface CertificateLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface SelfManagedCertificatesOptions {
  readonly api: CertificateSecretApi;
  readonly names: CertificateNames;
  /** Read at every pass; renewals are written by the leader only. */
  readonly isLeader: () => boolean;
  readonly clock: Clock;
  readonly random: () => number;
  readonly logger: CertificateLogger;
  /** How often the Secret is re-read and re-planned. Default 60 s. */
  readonly intervalMs?: number | undefined;
}

export interface SelfManagedCertificates extends OperatorCertificates {
  /** Reads and plans now (e.g. on becoming the leader); resolves when the pass is done. */
  recheck(): Promise<PassOutcome>;
  /** notAfter in Unix seconds of the served certificates and trusted CAs, by name. */
  expiries(): Readonly<Record<string, number>>;
}

export type PassOutcome = 'kept' | 'written' | 'waiting' | 'error';

interface Served {
  readonly webhook: ServingPem;
  readonly sync: ServingPem;
  readonly caBundle: string;
  readonly expiries: Readonly<Record<string, number>>;
}

const DEFAULT_INTERVAL_MS = 60_000;
const RETRY = { initialMs: 500, maxMs: 30_000 };
/** Re-reads after a 409 before giving up until the next pass. */
const CONFLICT_RETRIES = 3;

function expirySeconds(pem: string | undefined): number | undefined {
  if (pem === undefined || pem === '') return undefined;
  try {
    return Math.floor(new X509Certificate(pem).validToDate.getTime() / 1000);
  } catch {
    return undefined;
  }
}

function servedFrom(data: CertificateData): Served {
  const leaf = (name: LeafName): ServingPem => ({
    cert: data[LEAF_KEYS[name].cert] ?? '',
    key: data[LEAF_KEYS[name].key] ?? '',
  });
  const expiries: Record<string, number> = {};
  const sources: [string, string | undefined][] = [
    ['ca', data[DATA_KEY.caCert]],
    ['ca-previous', data[DATA_KEY.previousCaCert]],
    ['webhook', data[DATA_KEY.webhookCert]],
    ['sync', data[DATA_KEY.syncCert]],
  ];
  for (const [name, pem] of sources) {
    const seconds = expirySeconds(pem);
    if (seconds !== undefined) expiries[name] = seconds;
  }
  return { webhook: leaf('webhook'), sync: leaf('sync'), caBundle: data[DATA_KEY.caBundle] ?? '', expiries };
}

function samePem(a: ServingPem, b: ServingPem): boolean {
  return a.cert === b.cert && a.key === b.key;
}

/** Resolves once this replica has certificates to serve (retrying with backoff until then). */
export function startSelfManagedCertificates(
  options: SelfManagedCertificatesOptions,
): Promise<SelfManagedCertificates> {
  const { api, clock, logger } = options;
  let served: Served | undefined;
  let timer: unknown;
  let closed = false;
  let failures = 0;
  let running: Promise<PassOutcome> | undefined;
  const listeners = { webhook: new Listeners(), sync: new Listeners(), ca: new Listeners() };
  let resolveReady: (certificates: SelfManagedCertificates) => void = () => undefined;
  const ready = new Promise<SelfManagedCertificates>((resolve) => (resolveReady = resolve));

  const install = (data: CertificateData, resourceVersion: string): void => {
    const next = servedFrom(data);
    const previous = served;
    served = next;
    if (previous === undefined) {
      logger.info(
        { secret: api.description, resourceVersion, expiries: next.expiries },
        'serving certificates from the Secret',
      );
      resolveReady(certificates);
      return;
    }
    const changed = {
      webhook: !samePem(previous.webhook, next.webhook),
      sync: !samePem(previous.sync, next.sync),
      ca: previous.caBundle !== next.caBundle,
    };
    if (!changed.webhook && !changed.sync && !changed.ca) return;
    logger.info(
      { secret: api.description, resourceVersion, changed, expiries: next.expiries },
      'certificates changed',
    );
    if (changed.webhook) listeners.webhook.notify();
    if (changed.sync) listeners.sync.notify();
    if (changed.ca) listeners.ca.notify();
  };

  const write = (stored: StoredSecret | undefined, data: CertificateData) =>
    stored === undefined ? api.create(data) : api.replace(stored, data);

  const pass = async (): Promise<PassOutcome> => {
    for (let attempt = 0; attempt <= CONFLICT_RETRIES; attempt++) {
      const read = await api.read();
      if (!read.ok) {
        logger.warn(
          { secret: api.description, error: describeKubeError(read.error) },
          'cannot read the certificate Secret',
        );
        return 'error';
      }
      const stored = read.value;
      const data = stored?.data ?? {};
      const now = clock.now();
      const plan = planCertificates(now, data, options.names);
      if (plan.kind === 'keep') {
        install(data, stored?.resourceVersion ?? '');
        return 'kept';
      }
      const mayWrite = stored === undefined || plan.urgent || options.isLeader();
      if (!mayWrite) {
        // A renewal is the leader's; the current certificates are still good to serve.
        install(data, stored.resourceVersion);
        return 'waiting';
      }
      const fields = { secret: api.description, ca: plan.ca, leaves: plan.leaves, reasons: plan.reasons };
      if (plan.urgent && stored !== undefined)
        logger.warn(fields, 'certificate Secret cannot serve as it is; re-issuing');
      else logger.info(fields, 'issuing certificates');
      const next = await buildCertificateData(plan, data, options.names, now);
      const written = await write(stored, next);
      if (written.ok) {
        install(written.value.data, written.value.resourceVersion);
        return 'written';
      }
      if (written.error.code === HTTP_CONFLICT) {
        logger.debug(
          { secret: api.description },
          'another replica wrote the certificate Secret first; re-reading',
        );
        continue;
      }
      logger.warn(
        { ...fields, error: describeKubeError(written.error) },
        'cannot write the certificate Secret',
      );
      return 'error';
    }
    return 'error';
  };

  const schedule = (): void => {
    if (closed) return;
    const ms =
      served === undefined && failures > 0
        ? backoffDelay(failures - 1, { ...RETRY, random: options.random })
        : (options.intervalMs ?? DEFAULT_INTERVAL_MS);
    timer = clock.setTimeout(() => void run(), ms);
  };

  const run = (): Promise<PassOutcome> => {
    if (running !== undefined) return running;
    clock.clearTimeout(timer);
    running = pass()
      .catch((error: unknown) => {
        logger.warn({ secret: api.description, err: error }, 'certificate check failed');
        return 'error' as const;
      })
      .then((outcome) => {
        failures = outcome === 'error' ? failures + 1 : 0;
        running = undefined;
        schedule();
        return outcome;
      });
    return running;
  };

  const current = (): Served => {
    if (served === undefined) throw new Error('no certificates yet');
    return served;
  };
  const serving = (name: 'webhook' | 'sync'): ServingTls => ({
    current: () => current()[name],
    onChange: (listener) => listeners[name].add(listener),
  });
  const certificates: SelfManagedCertificates = {
    webhook: serving('webhook'),
    sync: serving('sync'),
    caBundle: () => current().caBundle,
    onCaChange: (listener) => listeners.ca.add(listener),
    recheck: run,
    expiries: () => served?.expiries ?? {},
    close: () => {
      closed = true;
      clock.clearTimeout(timer);
    },
  };
  void run();
  return ready;
}
