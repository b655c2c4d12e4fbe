// Flags are often alike: the same variants, rules and rollouts under different keys (generated
// flags, kill switches, percentage rollouts). A flag's shape — everything it compiles from except
// its key, name, description and metadata — is a run of bytes on the wire, and equal bytes compile
// to the same structure with the same outcome of every check. So the compiled shape of the first
// flag is remembered by its bytes, and a later flag with equal bytes reuses it. Results carry the
// flag key, so a shape holds result templates, and each flag builds its own frozen results from
// them when it is first evaluated: a flag that is never asked for costs its key and one record.
// Entries refer to the rule set's bytes by offset and are cleared with it.

import type { CompiledFlag, FlagShape } from './namespace-index.ts';
import type { BooleanResult, VariantResult } from './outcome.ts';
import { booleanResult, variantResult } from './results.ts';

interface Entry {
  readonly start: number;
  readonly end: number;
  readonly shape: FlagShape;
}

export class FlagShapes {
  readonly #byHash = new Map<number, Entry>();
  #lastHash = 0;

  clear(): void {
    this.#byHash.clear();
  }

  /** The shape compiled from bytes equal to `buf[start, end)`, if any. */
  find(buf: Uint8Array, start: number, end: number): FlagShape | undefined {
    this.#lastHash = hashOf(buf, start, end);
    const entry = this.#byHash.get(this.#lastHash);
    if (entry === undefined || entry.end - entry.start !== end - start) return undefined;
    for (let i = start, j = entry.start; i < end; i++, j++) {
      if (buf[i] !== buf[j]) return undefined;
    }
    return entry.shape;
  }

  /** Remembers the shape compiled from the bytes last passed to `find`, [start, end). */
  remember(start: number, end: number, shape: FlagShape): void {
    this.#byHash.set(this.#lastHash, { start, end, shape });
  }
}

function hashOf(buf: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ (buf[i] as number), 0x01000193);
  return hash;
}

/**
 * A flag's results before they are built. Every flag has at least one result, so an empty list
 * can only mean "not built yet"; a list (not `undefined`) keeps the field's type the same for
 * every flag, which keeps the evaluators' loads as fast as with results built at load.
 */
export const UNBUILT_VARIANT_RESULTS: readonly VariantResult[] = [];
export const UNBUILT_BOOLEAN_RESULTS: readonly BooleanResult[] = [];

/** The flag's variant results: its shape's templates with the flag's key, built on first use. */
export function variantResultsOf(flag: CompiledFlag): readonly VariantResult[] {
  const key = flag.key;
  const results: VariantResult[] = [];
  for (const t of flag.shape.variantTemplates) {
    results.push(variantResult(key, t.match, t.reason, t.variantKey, t.variantAttachment, t.segmentKeys));
  }
  flag.variantResults = results;
  return results;
}

/** The flag's boolean results, built like `variantResultsOf`. */
export function booleanResultsOf(flag: CompiledFlag): readonly BooleanResult[] {
  const key = flag.key;
  const results: BooleanResult[] = [];
  for (const t of flag.shape.booleanTemplates)
    results.push(booleanResult(key, t.enabled, t.reason, t.segmentKeys));
  flag.booleanResults = results;
  return results;
}
