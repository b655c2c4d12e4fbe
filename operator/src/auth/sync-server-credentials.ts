// TLS for the sync service from a certificate and key on disk, re-read while the server runs: a
// Secret volume (cert-manager or the chart) is rotated in place, and new connections must get the
// new certificate without a restart. A pair that does not load — half-written, or the key of the
// next certificate next to the old certificate — is refused and the last good pair keeps serving.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as grpc from '@grpc/grpc-js';
import type { ServingTls } from '../certificates/operator-certificates.ts';

export interface ServingPairSummary {
  readonly subject: string;
  readonly notAfter: string;
  readonly fingerprint256: string;
  readonly expired: boolean;
}

export type ServingPairCheck =
  | { readonly ok: true; readonly summary: ServingPairSummary }
  | { readonly ok: false; readonly error: string };

/** Parses a PEM certificate (chain) and private key and checks that they belong together. */
export function checkServingPair(certPem: Buffer, keyPem: Buffer, now: number): ServingPairCheck {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch (error) {
    return { ok: false, error: `certificate does not parse: ${errorText(error)}` };
  }
  let matches: boolean;
  try {
    matches = cert.checkPrivateKey(createPrivateKey(keyPem));
  } catch (error) {
    return { ok: false, error: `private key does not parse: ${errorText(error)}` };
  }
  if (!matches) return { ok: false, error: 'the private key does not belong to the certificate' };
  return {
    ok: true,
    summary: {
      subject: cert.subject,
      notAfter: cert.validToDate.toISOString(),
      fingerprint256: cert.fingerprint256,
      expired: cert.validToDate.getTime() <= now,
    },
  };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface Pair {
  readonly cert: Buffer;
  readonly key: Buffer;
}

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

export interface CredentialsLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface SyncServerCredentialsOptions {
  readonly certFile: string;
  readonly keyFile: string;
  readonly logger: CredentialsLogger;
  /** How often the files are compared with what is served. Default 10 s. */
  readonly pollMs?: number;
  readonly now?: () => number;
  readonly readFile?: (path: string) => Promise<Buffer>;
}

export type ReloadOutcome = 'unchanged' | 'installed' | 'rejected';

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
  const read = options.readFile ?? ((path: string) => readFile(path));
  const now = options.now ?? Date.now;
  const files = { certFile: options.certFile, keyFile: options.keyFile };
  const load = async (): Promise<Pair> => {
    const [cert, key] = await Promise.all([read(options.certFile), read(options.keyFile)]);
    return { cert, key };
  };

  let served = await load().catch((error: unknown) => {
    throw new Error(`cannot read the sync TLS certificate or key: ${errorText(error)}`);
  });
  const first = checkServingPair(served.cert, served.key, now());
  if (!first.ok) throw new Error(`sync TLS certificate ${options.certFile}: ${first.error}`);
  if (first.summary.expired)
    options.logger.warn({ ...files, ...first.summary }, 'sync TLS certificate has expired');
  options.logger.info({ ...files, ...first.summary }, 'sync TLS certificate loaded');
  const credentials = new ReloadableServerCredentials(served);

  let lastRejected = '';
  const reload = async (): Promise<ReloadOutcome> => {
    let next: Pair;
    try {
      next = await load();
    } catch (error) {
      options.logger.warn(
        { ...files, err: errorText(error) },
        'cannot re-read sync TLS files; keeping the served certificate',
      );
      return 'rejected';
    }
    if (next.cert.equals(served.cert) && next.key.equals(served.key)) return 'unchanged';
    const check = checkServingPair(next.cert, next.key, now());
    if (!check.ok) {
      // A rotation writes two files; until both are new they do not match. Say so once per state.
      const state = `${check.error}:${next.cert.length}:${next.key.length}`;
      if (state !== lastRejected)
        options.logger.warn(
          { ...files, reason: check.error },
          'new sync TLS files refused; keeping the served certificate',
        );
      lastRejected = state;
      return 'rejected';
    }
    lastRejected = '';
    credentials.install(next);
    served = next;
    options.logger.info({ ...files, ...check.summary }, 'sync TLS certificate reloaded');
    return 'installed';
  };

  const timer = setInterval(() => {
    void reload();
  }, options.pollMs ?? 10_000);
  timer.unref();
  return {
    credentials,
    reload,
    close: () => {
      clearInterval(timer);
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
