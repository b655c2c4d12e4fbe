// A serving certificate and key, checked, and re-read from files while the operator runs (a Secret
// volume — cert-manager's or the chart's — is rotated in place). The kubelet rewrites the two files
// of a rotated Secret with a delay, so a pair that does not load or does not match is refused and
// the last good pair keeps serving until both files are new. The sync server and the webhook server
// both take their files-mode certificates from here.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Listeners } from './operator-certificates.ts';

export interface ServingPair {
  readonly cert: Buffer;
  readonly key: Buffer;
}

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

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export interface ServingPairLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface ServingPairFilesOptions {
  readonly certFile: string;
  readonly keyFile: string;
  /** What the certificate serves, for messages: `sync`, `webhook`. */
  readonly purpose: string;
  readonly logger: ServingPairLogger;
  /** How often the files are compared with what is served. Default 10 s. */
  readonly pollMs?: number;
  readonly now?: () => number;
  readonly readFile?: (path: string) => Promise<Buffer>;
}

export type ReloadOutcome = 'unchanged' | 'installed' | 'rejected';

export interface ServingPairFiles {
  current(): ServingPair;
  /** Called after a new, valid pair was installed; returns unsubscribe. */
  onChange(listener: () => void): () => void;
  /** Reads the files now and installs a changed, valid pair. */
  reload(): Promise<ReloadOutcome>;
  /** Stops watching the files. */
  close(): void;
}

/** Reads and checks the pair (failing with a message naming the file), then polls the files. */
export async function watchServingPairFiles(options: ServingPairFilesOptions): Promise<ServingPairFiles> {
  const read = options.readFile ?? ((path: string) => readFile(path));
  const now = options.now ?? Date.now;
  const files = { certFile: options.certFile, keyFile: options.keyFile };
  const what = `${options.purpose} TLS`;
  const load = async (): Promise<ServingPair> => {
    const [cert, key] = await Promise.all([read(options.certFile), read(options.keyFile)]);
    return { cert, key };
  };

  let served = await load().catch((error: unknown) => {
    throw new Error(`cannot read the ${what} certificate or key: ${errorText(error)}`);
  });
  const first = checkServingPair(served.cert, served.key, now());
  if (!first.ok) throw new Error(`${what} certificate ${options.certFile}: ${first.error}`);
  if (first.summary.expired)
    options.logger.warn({ ...files, ...first.summary }, `${what} certificate has expired`);
  options.logger.info({ ...files, ...first.summary }, `${what} certificate loaded`);

  const listeners = new Listeners();
  let lastRejected = '';
  const reload = async (): Promise<ReloadOutcome> => {
    let next: ServingPair;
    try {
      next = await load();
    } catch (error) {
      options.logger.warn(
        { ...files, err: errorText(error) },
        `cannot re-read ${what} files; keeping the served certificate`,
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
          `new ${what} files refused; keeping the served certificate`,
        );
      lastRejected = state;
      return 'rejected';
    }
    lastRejected = '';
    served = next;
    options.logger.info({ ...files, ...check.summary }, `${what} certificate reloaded`);
    listeners.notify();
    return 'installed';
  };

  const timer = setInterval(() => {
    void reload();
  }, options.pollMs ?? 10_000);
  timer.unref();
  return {
    current: () => served,
    onChange: (listener) => listeners.add(listener),
    reload,
    close: () => {
      clearInterval(timer);
    },
  };
}
