// Local mode's stand-in for the API server: every *.yaml / *.yml under a directory, watched.
// Each change produces a complete snapshot (per-namespace objects + current errors). A file that
// stops parsing keeps contributing its last good content until it is fixed or deleted.
import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { compareCodePoints } from '../compiler/canonical-json.ts';
import { groupByNamespace, type NamespaceObjects } from './group-by-namespace.ts';
import type { LocalLogger } from './local-logger.ts';
import { parseManifests, type LocatedResource, type ManifestError } from './parse-manifests.ts';

export interface DirSnapshot {
  /** Every namespace that has at least one object, in sorted order. */
  namespaces: ReadonlyMap<string, NamespaceObjects>;
  /** Current problems: invalid files (whose last good content is still used) and duplicates. */
  errors: readonly ManifestError[];
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface DirSourceOptions {
  root: string;
  onSnapshot: (snapshot: DirSnapshot) => void;
  logger: LocalLogger;
  /** Quiet time after the last file-system event before re-reading; default 50 ms. */
  debounceMs?: number;
  timers?: Timers;
}

export const DEFAULT_DEBOUNCE_MS = 50;

const realTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

interface FileState {
  /** Identity and times from stat; a change means the file must be read again. */
  fingerprint: string;
  text: string;
  /** Objects of the last version of the file that parsed without error; undefined if none ever did. */
  good: LocatedResource[] | undefined;
  errors: ManifestError[];
}

export class DirSource {
  readonly #root: string;
  readonly #onSnapshot: (snapshot: DirSnapshot) => void;
  readonly #logger: LocalLogger;
  readonly #debounceMs: number;
  readonly #timers: Timers;
  readonly #files = new Map<string, FileState>();
  readonly #hinted = new Set<string>();
  #watcher: FSWatcher | undefined;
  #timer: unknown;
  #scanning: Promise<void> | undefined;
  #rescanRequested = false;
  #closed = false;

  constructor(options: DirSourceOptions) {
    this.#root = options.root;
    this.#onSnapshot = options.onSnapshot;
    this.#logger = options.logger;
    this.#debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
    this.#timers = options.timers ?? realTimers;
  }

  /** Reads the directory, delivers the first snapshot, then watches. Rejects if the root is unreadable. */
  async start(): Promise<void> {
    const info = await stat(this.#root);
    if (!info.isDirectory()) throw new Error(`${this.#root} is not a directory`);
    // Watch first, so a change made while the first scan runs is not missed.
    this.#startWatcher();
    await this.#rescan(true);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#watcher?.close();
    this.#watcher = undefined;
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#scanning;
  }

  #startWatcher(): void {
    try {
      const watcher = watch(this.#root, { recursive: true }, (_event, filename) => {
        if (typeof filename === 'string') this.#hinted.add(filename.split(sep).join('/'));
        this.#schedule();
      });
      watcher.on('error', (error) => {
        this.#logger.error(
          { err: error, root: this.#root },
          'watching the flag directory failed; restarting the watch',
        );
        watcher.close();
        if (this.#watcher === watcher) this.#watcher = undefined;
        this.#schedule();
      });
      this.#watcher = watcher;
    } catch (error) {
      this.#logger.error({ err: error, root: this.#root }, 'cannot watch the flag directory');
    }
  }

  #schedule(): void {
    if (this.#closed) return;
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = undefined;
      this.#rescan().catch((error: unknown) => {
        this.#logger.error({ err: error, root: this.#root }, 'reading the flag directory failed');
      });
    }, this.#debounceMs);
  }

  /** Runs one scan at a time; events during a scan cause one more scan after it. */
  async #rescan(initial = false): Promise<void> {
    if (this.#scanning !== undefined) {
      this.#rescanRequested = true;
      return;
    }
    const run = async (): Promise<void> => {
      let first = initial;
      do {
        if (this.#watcher === undefined && !first) this.#startWatcher();
        await this.#scan(first);
        first = false;
      } while (this.#takeRescanRequest());
    };
    this.#scanning = run().finally(() => {
      this.#scanning = undefined;
    });
    await this.#scanning;
  }

  #takeRescanRequest(): boolean {
    const requested = this.#rescanRequested && !this.#closed;
    this.#rescanRequested = false;
    return requested;
  }

  async #scan(initial: boolean): Promise<void> {
    const hinted = new Set(this.#hinted);
    this.#hinted.clear();
    let changed = initial;
    const paths = await listManifestFiles(this.#root, this.#logger);
    const present = new Set(paths);
    for (const file of [...this.#files.keys()]) {
      if (!present.has(file)) {
        this.#files.delete(file);
        this.#logger.info({ file }, 'flag file removed');
        changed = true;
      }
    }
    for (const file of paths) {
      if (await this.#refresh(file, hinted.has(file))) changed = true;
    }
    if (changed && !this.#closed) this.#emit();
  }

  /** Re-reads one file if it may have changed; true when its content (and so the snapshot) changed. */
  async #refresh(file: string, hinted: boolean): Promise<boolean> {
    const absolute = join(this.#root, file);
    const previous = this.#files.get(file);
    let fingerprint: string;
    let text: string;
    try {
      fingerprint = fingerprintOf(await stat(absolute, { bigint: true }));
      if (previous !== undefined && previous.fingerprint === fingerprint && !hinted) return false;
      text = await readFile(absolute, 'utf8');
    } catch (error) {
      return this.#readFailed(file, previous, error);
    }
    if (previous !== undefined && previous.text === text) {
      previous.fingerprint = fingerprint;
      return false;
    }
    const parsed = parseManifests(text, file);
    for (const note of parsed.ignored) {
      this.#logger.debug(note, 'ignoring a document that is not an Ensign resource');
    }
    const good = parsed.errors.length === 0 ? parsed.objects : previous?.good;
    this.#files.set(file, { fingerprint, text, good, errors: parsed.errors });
    if (parsed.errors.length > 0 && previous?.good !== undefined) {
      this.#logger.warn({ file }, 'flag file has errors; its last good content stays in use');
    } else {
      this.#logger.info(
        { file, objects: parsed.objects.length },
        previous === undefined ? 'flag file read' : 'flag file changed',
      );
    }
    return true;
  }

  #readFailed(file: string, previous: FileState | undefined, error: unknown): boolean {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      // Deleted between listing and reading: the next event's scan removes it.
      this.#schedule();
      return false;
    }
    const message = `cannot read the file: ${error instanceof Error ? error.message : String(error)}`;
    const errors: ManifestError[] = [{ file, document: 0, path: '', message }];
    this.#files.set(file, {
      fingerprint: '',
      text: previous?.text ?? '',
      good: previous?.good,
      errors,
    });
    return previous?.errors[0]?.message !== message;
  }

  #emit(): void {
    const files = [...this.#files.keys()].sort(compareCodePoints);
    const objects = files.flatMap((file) => this.#files.get(file)?.good ?? []);
    const grouped = groupByNamespace(objects);
    const errors = [...files.flatMap((file) => this.#files.get(file)?.errors ?? []), ...grouped.errors];
    try {
      this.#onSnapshot({ namespaces: grouped.namespaces, errors });
    } catch (error) {
      this.#logger.error({ err: error }, 'handling a flag directory snapshot failed');
    }
  }
}

function fingerprintOf(info: {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}): string {
  return `${info.dev}:${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`;
}

/**
 * Every *.yaml / *.yml file under `root`, as sorted '/'-separated relative paths. Skips names that
 * start with '.' (dot-directories, editor lock files) and node_modules. Follows symbolic links to
 * files (a mounted ConfigMap is made of them) but not to directories (no cycles).
 */
export async function listManifestFiles(root: string, logger: LocalLogger): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        logger.warn({ err: error, dir }, 'cannot list a directory of flag files; skipping it');
      }
      return;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        await walk(path);
      } else if (
        isManifestName(entry.name) &&
        (entry.isFile() || (entry.isSymbolicLink() && (await isFile(path))))
      ) {
        found.push(relative(root, path).split(sep).join('/'));
      }
    }
  };
  await walk(root);
  return found.sort(compareCodePoints);
}

function isManifestName(name: string): boolean {
  return name.endsWith('.yaml') || name.endsWith('.yml');
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
