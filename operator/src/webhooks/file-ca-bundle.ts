// The CA bundle injected sidecars trust, from --ca-file (cert-manager's ca.crt) with
// --cert-mode=files: read at start, re-read while the operator runs. A file that does not hold
// parseable certificates is refused and the last good bundle stays in use.
import { readFile } from 'node:fs/promises';
import { pollLastGood } from '@ensign/core/poll-last-good.ts';
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
  /** Re-reads the file now; true when a changed, usable bundle was installed. */
  reload(): Promise<boolean>;
  close(): void;
}

export async function createFileCaBundle(options: FileCaBundleOptions): Promise<FileCaBundle> {
  const read = async () =>
    (await (options.readFile ?? ((p: string) => readFile(p)))(options.file)).toString('utf8');
  const text = await read().catch((error: unknown) => {
    throw new Error(`cannot read the CA bundle --ca-file ${options.file}: ${String(error)}`);
  });
  const problem = caBundleProblem(text);
  if (problem !== undefined) throw new Error(`CA bundle --ca-file ${options.file} ${problem}`);
  const fields = { file: options.file };
  const polled = pollLastGood(
    { raw: text, value: text },
    {
      read,
      same: (a, b) => a === b,
      check: (next) => {
        const bad = caBundleProblem(next);
        return bad === undefined ? { ok: true, value: next } : { ok: false, error: bad };
      },
      onReadError: (error) => {
        options.logger.warn(
          { ...fields, err: String(error) },
          'cannot re-read the CA bundle; keeping the last one',
        );
      },
      onRefused: (reason) => {
        options.logger.warn({ ...fields, reason }, 'new CA bundle refused; keeping the last one');
      },
      onInstalled: () => {
        options.logger.info(fields, 'CA bundle for injected sidecars reloaded');
      },
      pollMs: options.pollMs,
    },
  );
  return {
    current: () => polled.current(),
    reload: async () => (await polled.reload()) === 'installed',
    close: () => {
      polled.close();
    },
  };
}
