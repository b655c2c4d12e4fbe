// The uniform shape every engine adapter has: the same N-flag state loaded, the same three
// operations over the engine's own native contexts. An operation returns something truthy, which
// the benchmark loop consumes so the call cannot be optimised away.
import type { Entity } from './entities.ts';

export const ENGINES = ['ensign', 'flagd', 'flipt', 'unleash'] as const;
export type EngineName = (typeof ENGINES)[number];
/** The peers Ensign is compared with. */
export const PEERS = ['flagd', 'flipt', 'unleash'] as const;
export type PeerName = (typeof PEERS)[number];

/** variant: v-0 (3 rules); boolean: b-1 (30 %); singles10: v-0, b-1, …, b-9 as ten single calls. */
export const OPS = ['variant', 'boolean', 'singles10'] as const;
export type Op = (typeof OPS)[number];

export function isEngineName(s: string): s is EngineName {
  return (ENGINES as readonly string[]).includes(s);
}

export function isOp(s: string): s is Op {
  return (OPS as readonly string[]).includes(s);
}

export interface EvalEngine<C> {
  readonly contexts: readonly C[];
  readonly ops: Readonly<Record<Op, (c: C) => unknown>>;
  /** The variant of the variant flag under test (for the correctness check). */
  variantOf(c: C): string;
  booleanOf(c: C): boolean;
  /** A context for this entity that fails rules 1 and 2, so only the 50/50 split decides. */
  forcedSplitContext(e: Entity): C;
  close(): void;
}

/** Receives an engine whatever its context type (each engine has its own). */
export interface EngineVisitor<R> {
  visit<C>(engine: EvalEngine<C>): Promise<R>;
}

/** Flag keys of the batch: `v-*` are variant flags, `b-*` boolean. */
export const isVariantKey = (key: string): boolean => key.startsWith('v');
