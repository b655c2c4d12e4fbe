// The CA bundle injected sidecars trust, from --ca-file (cert-manager's ca.crt) with
// --cert-mode=files: read at start, re-read while the operator runs. A file that does not hold
// parseable certificates is refused and the last good bundle stays in use.
import { readFile } from 'node:fs/promises';
import { caBundleProblem } from '@ensign/core/tls/ca-bundle.ts';

export interface FileCaBundleOptions {
  readonly file: string;
  readonly logger: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** Default 10 s. */
  readonly pollMs?: number;
  readonly readFile?: (path: string) => Promise<Buffer>;
}

export interface FileCaBundle {
  /** PEM of the CAs. */
  current(): string;
  reload(): Promise<boolean>;
  close(): void;
}

export async function createFileCaBundle(options: FileCaBundleOptions): Promise<FileCaBundle> {
  const read = async () =>
    (await (options.readFile ?? ((p: string) => readFile(p)))(options.file)).toString('utf8');
  let served = await read().catch((error: unknown) => {
    throw new Error(`cannot read the CA bundle --ca-file ${options.file}: ${String(error)}`);
  });
  const problem = caBundleProblem(served);
  if (problem !== undefined) throw new Error(`CA bundle --ca-file ${options.file} ${problem}`);
  let lastRejected = '';
  const reload = async (): Promise<boolean> => {
    const next = await read().catch(() => undefined);
    if (next === undefined || next === served) return false;
    const bad = caBundleProblem(next);
    if (bad !== undefined) {
      if (bad !== lastRejected)
        options.logger.warn(
          { file: options.file, reason: bad },
          'new CA bundle refused; keeping the last one',
        );
      lastRejected = bad;
      return false;
    }
    lastRejected = '';
    served = next;
    options.logger.info({ file: options.file }, 'CA bundle for injected sidecars reloaded');
    return true;
  };
  const timer = setInterval(() => void reload(), options.pollMs ?? 10_000);
  timer.unref();
  return {
    current: () => served,
    reload,
    close: () => {
      clearInterval(timer);
    },
  };
}
