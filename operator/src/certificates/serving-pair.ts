// A serving certificate and key, checked, and re-read from files while the operator runs (a Secret
// volume — cert-manager's or the chart's — is rotated in place). The kubelet rewrites the two files
// of a rotated Secret with a delay, so a pair that does not load or does not match is refused and
// the last good pair keeps serving until both files are new. The sync server and the webhook server
// both take their files-mode certificates from here.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { pollLastGood, type ReloadOutcome } from '@ensign/core/poll-last-good.ts';
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

export type { ReloadOutcome };

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

  const served = await load().catch((error: unknown) => {
    throw new Error(`cannot read the ${what} certificate or key: ${errorText(error)}`);
  });
  const first = checkServingPair(served.cert, served.key, now());
  if (!first.ok) throw new Error(`${what} certificate ${options.certFile}: ${first.error}`);
  if (first.summary.expired)
    options.logger.warn({ ...files, ...first.summary }, `${what} certificate has expired`);
  options.logger.info({ ...files, ...first.summary }, `${what} certificate loaded`);

  const listeners = new Listeners();
  const polled = pollLastGood(
    { raw: served, value: { pair: served, summary: first.summary } },
    {
      read: load,
      same: (a, b) => a.cert.equals(b.cert) && a.key.equals(b.key),
      check: (next) => {
        const check = checkServingPair(next.cert, next.key, now());
        return check.ok ? { ok: true, value: { pair: next, summary: check.summary } } : check;
      },
      // A rotation writes two files; until both are new they do not match. Say so once per state.
      refusalKey: (next, error) => `${error}:${next.cert.length}:${next.key.length}`,
      onReadError: (error) => {
        options.logger.warn(
          { ...files, err: errorText(error) },
          `cannot re-read ${what} files; keeping the served certificate`,
        );
      },
      onRefused: (reason) => {
        options.logger.warn(
          { ...files, reason },
          `new ${what} files refused; keeping the served certificate`,
        );
      },
      onInstalled: ({ summary }) => {
        options.logger.info({ ...files, ...summary }, `${what} certificate reloaded`);
        listeners.notify();
      },
      pollMs: options.pollMs,
    },
  );
  return {
    current: () => polled.current().pair,
    onChange: (listener) => listeners.add(listener),
    reload: () => polled.reload(),
    close: () => {
      polled.close();
    },
  };
}
