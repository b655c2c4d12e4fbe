// A configuration file that is re-read while the sidecar runs (a mounted Secret or ConfigMap is
// replaced in place). The first load must succeed; later, a file that does not parse is reported
// and the last good contents stay in force.
import { readFile } from 'node:fs/promises';
import {
  pollLastGood,
  type Checked,
  type PolledValue,
  type ReloadOutcome,
} from '@ensign/core/poll-last-good.ts';

export type ParseResult<T> = Checked<T>;
export type { ReloadOutcome };

export interface WatchedFileLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface WatchedFileOptions<T> {
  readonly path: string;
  /** What the file is, for messages: e.g. "static tokens file". */
  readonly what: string;
  readonly parse: (text: string) => ParseResult<T>;
  readonly logger: WatchedFileLogger;
  /** Default 10 s. */
  readonly pollMs?: number;
  readonly readFile?: (path: string) => Promise<string>;
}

export type WatchedFile<T> = PolledValue<T>;

export async function watchFile<T>(options: WatchedFileOptions<T>): Promise<WatchedFile<T>> {
  const read = options.readFile ?? ((path: string) => readFile(path, 'utf8'));
  const fields = { file: options.path };
  let text: string;
  try {
    text = await read(options.path);
  } catch (error) {
    throw new Error(`cannot read the ${options.what} ${options.path}: ${errorCode(error)}`, { cause: error });
  }
  const first = options.parse(text);
  if (!first.ok) throw new Error(`${options.what} ${options.path}: ${first.error}`);
  return pollLastGood(
    { raw: text, value: first.value },
    {
      read: () => read(options.path),
      same: (a, b) => a === b,
      check: options.parse,
      onReadError: (error) => {
        options.logger.warn(
          { ...fields, err: errorCode(error) },
          `cannot re-read the ${options.what}; keeping the last good one`,
        );
      },
      onRefused: (reason) => {
        options.logger.warn({ ...fields, reason }, `${options.what} refused; keeping the last good one`);
      },
      onInstalled: () => {
        options.logger.info(fields, `${options.what} reloaded`);
      },
      pollMs: options.pollMs,
    },
  );
}

/** The error code or message of a file-system error; these name paths, never file contents. */
function errorCode(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.message : String(error);
}
