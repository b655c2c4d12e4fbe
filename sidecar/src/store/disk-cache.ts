// The last good rule set of each namespace on disk, so a restarted sidecar serves its flags even
// while the operator is unreachable. Writes are atomic (temp file + rename): a crash mid-write
// leaves the previous copy, never a torn one. The file holds the RuleSet's protobuf encoding, the
// same bytes the store indexes.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { hasValidRevision } from '@ensign/core/revision.ts';
import { readRuleSetHeader } from '../engine/rule-set-layout.ts';
import { rememberRuleSetBytes, ruleSetBytes } from './rule-set-bytes.ts';
import { wireRevision } from './wire-revision.ts';

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

  /** Saves a rule set, decoded (its encoding is shared with the store's) or as wire bytes. */
  async save(ruleSet: RuleSet | Uint8Array): Promise<void> {
    const bytes = ruleSet instanceof Uint8Array ? ruleSet : ruleSetBytes(ruleSet);
    const namespace =
      ruleSet instanceof Uint8Array ? readRuleSetHeader(ruleSet).namespace : ruleSet.namespace;
    await mkdir(this.#dir, { recursive: true });
    const file = this.#file(namespace);
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, bytes);
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
      // The file's own bytes hash to the revision when they are the encoding that was hashed; then
      // the store can index them as they are instead of encoding the decoded copy again.
      if (wireRevision(bytes) === ruleSet.revision) rememberRuleSetBytes(ruleSet, bytes);
      else if (!hasValidRevision(ruleSet)) throw new Error('content does not match its revision');
      return ruleSet;
    } catch (error) {
      this.#logger.warn({ file, err: String(error) }, 'ignoring corrupt saved rule set');
      return undefined;
    }
  }
}
