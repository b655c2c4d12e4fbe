// Flags are often alike: the same variants, rules and rollouts under different keys (generated
// flags, kill switches, percentage rollouts). A flag's shape — everything it compiles from except
// its key, name, description and metadata — is a run of bytes on the wire, and equal bytes compile
// to the same structure with the same outcome of every check. So the compiled shape of the first
// flag is remembered by its bytes, and a later flag with equal bytes reuses it, copying only the
// results (they carry the flag key). Entries refer to the rule set's bytes by offset and are
// cleared with it.

import type { CompiledRollout, CompiledRule, FlagKind } from './namespace-index.ts';
import type { BooleanResult, VariantResult } from './outcome.ts';
import { booleanResult, variantResult } from './results.ts';

/** A compiled flag without what is its own: key, key hash and metadata. */
export interface FlagShape {
  readonly type: FlagKind;
  readonly enabled: boolean;
  readonly rules: readonly CompiledRule[];
  readonly rollouts: readonly CompiledRollout[];
  /** The results of the flag this shape was compiled for; copied with another key for the next. */
  readonly variantResults: readonly VariantResult[];
  readonly booleanResults: readonly BooleanResult[];
}

interface Entry {
  readonly start: number;
  readonly end: number;
  readonly shape: FlagShape;
}

export class FlagShapes {
  readonly #byHash = new Map<number, Entry>();

  clear(): void {
    this.#byHash.clear();
  }

  /** The shape compiled from bytes equal to `buf[start, end)`, if any. */
  find(buf: Uint8Array, start: number, end: number): FlagShape | undefined {
    const entry = this.#byHash.get(hashOf(buf, start, end));
    if (entry === undefined || entry.end - entry.start !== end - start) return undefined;
    for (let i = start, j = entry.start; i < end; i++, j++) {
      if (buf[i] !== buf[j]) return undefined;
    }
    return entry.shape;
  }

  remember(buf: Uint8Array, start: number, end: number, shape: FlagShape): void {
    this.#byHash.set(hashOf(buf, start, end), { start, end, shape });
  }
}

function hashOf(buf: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ (buf[i] as number), 0x01000193);
  return hash;
}

/** The shape's results with `flagKey` in place of the key of the flag it was compiled for. */
export function variantResultsFor(shape: FlagShape, flagKey: string): readonly VariantResult[] {
  if (shape.variantResults.length === 0) return shape.variantResults;
  return shape.variantResults.map((r) =>
    variantResult(flagKey, r.match, r.reason, r.variantKey, r.variantAttachment, r.segmentKeys),
  );
}

export function booleanResultsFor(shape: FlagShape, flagKey: string): readonly BooleanResult[] {
  if (shape.booleanResults.length === 0) return shape.booleanResults;
  return shape.booleanResults.map((r) => booleanResult(flagKey, r.enabled, r.reason, r.segmentKeys));
}
