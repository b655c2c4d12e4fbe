// TLS for the sync service from a certificate and key on disk, re-read while the server runs: a
// Secret volume (cert-manager or the chart) is rotated in place, and new connections must get the
// new certificate without a restart. A pair that does not load — half-written, or the key of the
// next certificate next to the old certificate — is refused and the last good pair keeps serving.
import * as grpc from '@grpc/grpc-js';
import type { ServingTls } from '../certificates/operator-certificates.ts';
import {
  checkServingPair,
  watchServingPairFiles,
  type ReloadOutcome,
  type ServingPair as Pair,
  type ServingPairFilesOptions,
  type ServingPairLogger,
} from '../certificates/serving-pair.ts';

/** grpc-js server credentials whose certificate can be swapped; new connections get the new one. */
class ReloadableServerCredentials extends grpc.ServerCredentials {
  constructor(pair: Pair) {
    super({}, { cert: pair.cert, key: pair.key });
  }

  install(pair: Pair): void {
    this.updateSecureContextOptions({ cert: pair.cert, key: pair.key });
  }

  override _equals(other: grpc.ServerCredentials): boolean {
    return other === this;
  }
}

export type CredentialsLogger = ServingPairLogger;

/** The files to serve and watch (see certificates/serving-pair.ts). */
export type SyncServerCredentialsOptions = Omit<ServingPairFilesOptions, 'purpose'>;

export interface SyncServerCredentials {
  readonly credentials: grpc.ServerCredentials;
  /** Reads the files now and installs a changed, valid pair. */
  reload(): Promise<ReloadOutcome>;
  /** Stops watching the files. */
  close(): void;
}

export async function createSyncServerCredentials(
  options: SyncServerCredentialsOptions,
): Promise<SyncServerCredentials> {
  const pair = await watchServingPairFiles({ ...options, purpose: 'sync' });
  const credentials = new ReloadableServerCredentials(pair.current());
  pair.onChange(() => {
    credentials.install(pair.current());
  });
  return {
    credentials,
    reload: () => pair.reload(),
    close: () => {
      pair.close();
    },
  };
}

/**
 * Sync credentials from a certificate source that announces changes (the self-managed
 * certificates): each change is checked and installed for new connections; a pair that does not
 * load is refused and the served one kept.
 */
export function syncCredentialsFromServingTls(
  source: ServingTls,
  logger: CredentialsLogger,
  now: () => number = Date.now,
): Omit<SyncServerCredentials, 'reload'> {
  const pairOf = (): Pair => {
    const { cert, key } = source.current();
    return { cert: Buffer.from(cert), key: Buffer.from(key) };
  };
  const first = pairOf();
  const check = checkServingPair(first.cert, first.key, now());
  if (!check.ok) throw new Error(`sync TLS certificate: ${check.error}`);
  logger.info({ ...check.summary }, 'sync TLS certificate loaded');
  const credentials = new ReloadableServerCredentials(first);
  const unsubscribe = source.onChange(() => {
    const next = pairOf();
    const checked = checkServingPair(next.cert, next.key, now());
    if (!checked.ok) {
      logger.warn({ reason: checked.error }, 'new sync TLS certificate refused; keeping the served one');
      return;
    }
    credentials.install(next);
    logger.info({ ...checked.summary }, 'sync TLS certificate reloaded');
  });
  return { credentials, close: unsubscribe };
}
