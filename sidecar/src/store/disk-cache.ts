// The last good rule set of each namespace on disk, so a restarted sidecar serves its flags even
// while the operator is unreachable. Writes are atomic (temp file + rename): a crash mid-write
// leaves the previous copy, never a torn one.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { hasValidRevision } from '@ensign/core/revision.ts';

export interface DiskCacheLogger {
  warn(obj: object, msg: string): void;
}

export class DiskCache {
  readonly #dir: string;
  readonly #logger: DiskCacheLogger;

  constructor(dir: string, logger: DiskCacheLogger) {
    this.#dir = dir;
    this.#logger = logger;
  }

  #file(namespace: string): string {
    return join(this.#dir, `${namespace}.ruleset.pb`);
  }

  async save(ruleSet: RuleSet): Promise<void> {
    await mkdir(this.#dir, { recursive: true });
    const file = this.#file(ruleSet.namespace);
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, RuleSet.encode(ruleSet).finish());
    await rename(temp, file);
  }

  /** The saved rule set of `namespace`, or undefined when there is none or it is unreadable. */
  async load(namespace: string): Promise<RuleSet | undefined> {
    const file = this.#file(namespace);
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        this.#logger.warn({ file, err: String(error) }, 'cannot read saved rule set');
      return undefined;
    }
    try {
      const ruleSet = RuleSet.decode(bytes);
      if (ruleSet.namespace !== namespace) throw new Error(`file holds namespace "${ruleSet.namespace}"`);
      if (!hasValidRevision(ruleSet)) throw new Error('content does not match its revision');
      return ruleSet;
    } catch (error) {
      this.#logger.warn({ file, err: String(error) }, 'ignoring corrupt saved rule set');
      return undefined;
    }
  }
}
