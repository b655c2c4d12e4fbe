// The webhook's serving certificate from files (--webhook-tls-cert/--webhook-tls-key, e.g. a
// cert-manager Secret volume), re-read while the operator runs. The kubelet rewrites both files of
// a rotated Secret with a delay, so a pair that does not match is refused and the last good pair
// keeps serving until both files are new.
import { readFile } from 'node:fs/promises';
import { checkServingPair } from '../auth/sync-server-credentials.ts';
import { Listeners, type ServingTls } from '../certificates/operator-certificates.ts';

export interface FileServingTlsLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface FileServingTlsOptions {
  readonly certFile: string;
  readonly keyFile: string;
  readonly logger: FileServingTlsLogger;
  /** How often the files are compared with what is served. Default 10 s. */
  readonly pollMs?: number;
  readonly now?: () => number;
  readonly readFile?: (path: string) => Promise<Buffer>;
}

export interface FileServingTls extends ServingTls {
  /** Reads the files now; true when a new pair was installed. */
  reload(): Promise<boolean>;
  close(): void;
}

export async function createFileServingTls(options: FileServingTlsOptions): Promise<FileServingTls> {
  const read = options.readFile ?? ((path: string) => readFile(path));
  const now = options.now ?? Date.now;
  const files = { certFile: options.certFile, keyFile: options.keyFile };
  const load = async () => {
    const [cert, key] = await Promise.all([read(options.certFile), read(options.keyFile)]);
    return { cert, key };
  };
  let served = await load().catch((error: unknown) => {
    throw new Error(`cannot read the webhook TLS certificate or key: ${String(error)}`);
  });
  const first = checkServingPair(served.cert, served.key, now());
  if (!first.ok) throw new Error(`webhook TLS certificate ${options.certFile}: ${first.error}`);
  options.logger.info({ ...files, ...first.summary }, 'webhook TLS certificate loaded');

  const listeners = new Listeners();
  let lastRejected = '';
  const reload = async (): Promise<boolean> => {
    const next = await load().catch(() => undefined);
    if (next === undefined || (next.cert.equals(served.cert) && next.key.equals(served.key))) return false;
    const check = checkServingPair(next.cert, next.key, now());
    if (!check.ok) {
      if (check.error !== lastRejected)
        options.logger.warn(
          { ...files, reason: check.error },
          'new webhook TLS files refused; keeping the served certificate',
        );
      lastRejected = check.error;
      return false;
    }
    lastRejected = '';
    served = next;
    options.logger.info({ ...files, ...check.summary }, 'webhook TLS certificate reloaded');
    listeners.notify();
    return true;
  };
  const timer = setInterval(() => void reload(), options.pollMs ?? 10_000);
  timer.unref();
  return {
    current: () => ({ cert: served.cert.toString('utf8'), key: served.key.toString('utf8') }),
    onChange: (listener) => listeners.add(listener),
    reload,
    close: () => {
      clearInterval(timer);
    },
  };
}
