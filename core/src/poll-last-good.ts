// Inputs mounted from Secrets and ConfigMaps are replaced in place while a process runs, so each
// is polled: an unchanged read does nothing, a changed read that passes its check replaces the
// value, and a changed read that fails is refused — reported once per distinct failure — while
// the last good value stays in force. How an input is read, checked and reported differs per
// input and is passed in; this keep-last-good loop is shared by all of them.

export type ReloadOutcome = 'unchanged' | 'installed' | 'rejected';

export type Checked<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export interface PollLastGoodOptions<R, T> {
  /** Reads the raw input (file text, bytes, a pair of files). */
  readonly read: () => Promise<R>;
  /** Whether two reads are the same input; an unchanged input is not checked again. */
  readonly same: (a: R, b: R) => boolean;
  readonly check: (raw: R) => Checked<T>;
  /** What makes two refusals the same one, so it is reported once. Default: the error. */
  readonly refusalKey?: (raw: R, error: string) => string;
  readonly onReadError: (error: unknown) => void;
  readonly onRefused: (error: string) => void;
  readonly onInstalled: (value: T) => void;
  /** Default 10 s. */
  readonly pollMs?: number;
}

export interface PolledValue<T> {
  current(): T;
  /** Reads the input now and installs it if it changed and passes its check. */
  reload(): Promise<ReloadOutcome>;
  /** Stops polling. */
  close(): void;
}

/** Starts polling from an input already read and checked by the caller (start-up fails loudly there). */
export function pollLastGood<R, T>(
  first: { raw: R; value: T },
  options: PollLastGoodOptions<R, T>,
): PolledValue<T> {
  let raw = first.raw;
  let value = first.value;
  let lastRefusal = '';
  const reload = async (): Promise<ReloadOutcome> => {
    let next: R;
    try {
      next = await options.read();
    } catch (error) {
      options.onReadError(error);
      return 'rejected';
    }
    if (options.same(next, raw)) return 'unchanged';
    const checked = options.check(next);
    if (!checked.ok) {
      const key = options.refusalKey?.(next, checked.error) ?? checked.error;
      if (key !== lastRefusal) options.onRefused(checked.error);
      lastRefusal = key;
      return 'rejected';
    }
    lastRefusal = '';
    raw = next;
    value = checked.value;
    options.onInstalled(value);
    return 'installed';
  };
  const timer = setInterval(() => {
    void reload();
  }, options.pollMs ?? 10_000);
  timer.unref();
  return {
    current: () => value,
    reload,
    close: () => {
      clearInterval(timer);
    },
  };
}
