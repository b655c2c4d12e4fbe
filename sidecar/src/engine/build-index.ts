// RuleSet → NamespaceIndex. Everything that does not depend on the request is decided here, once:
// segment references resolved, constraints compiled, bucket thresholds and the flag-key hash state
// computed, fixed results built. An inconsistent rule set throws (the caller keeps its last good index).
//
// The sidecar's input is the rule set's wire bytes, and the index is built from them directly:
// flags (nearly all of a rule set) are walked by FlagCompiler without building ts-proto objects,
// segments (few, and shared by many flags) are decoded with ts-proto and compiled as before.

import { MatchType, RuleSet, Segment } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { FlagCompiler } from './flag-compiler.ts';
import { compileConstraint } from './match-constraint.ts';
import { NamespaceIndex, type CompiledFlag, type CompiledSegment } from './namespace-index.ts';
import { readRuleSetLayout } from './rule-set-layout.ts';

/**
 * Builds the evaluation index of a rule set, given as its wire bytes (the sidecar) or as a decoded
 * RuleSet (tests and tools; it is encoded first and kept as `index.ruleSet`). Throws an Error naming
 * the flag or segment if the rule set is inconsistent, or if the bytes are not a RuleSet.
 */
export function buildIndex(source: Uint8Array | RuleSet): NamespaceIndex {
  if (source instanceof Uint8Array) return buildFromBytes(source, undefined);
  return buildFromBytes(RuleSet.encode(source).finish(), source);
}

// One compiler for every build (see FlagCompiler); a build never starts inside another, but if one
// did it would get a compiler of its own.
const shared = new FlagCompiler();
let sharedInUse = false;

function buildFromBytes(bytes: Uint8Array, ruleSet: RuleSet | undefined): NamespaceIndex {
  const layout = readRuleSetLayout(bytes);
  const where = `rule set of namespace "${layout.namespace}"`;
  const segments = compileSegments(bytes, layout.segments, where);
  const compiler = sharedInUse ? new FlagCompiler() : shared;
  sharedInUse ||= compiler === shared;
  compiler.start(bytes, segments, where);
  try {
    const ranges = layout.flags;
    const flags: CompiledFlag[] = [];
    const byKey = new Map<string, CompiledFlag>();
    for (let i = 0; i < ranges.length; i += 2) {
      const key = compiler.readKey(ranges[i] as number, ranges[i + 1] as number);
      if (byKey.has(key)) throw new Error(`${where}: flag "${key}" appears twice`);
      const flag = compiler.compile();
      flags.push(flag);
      byKey.set(key, flag);
    }
    return new NamespaceIndex(layout, flags, byKey, ruleSet);
  } finally {
    compiler.finish();
    if (compiler === shared) sharedInUse = false;
  }
}

function compileSegments(
  bytes: Uint8Array,
  ranges: readonly number[],
  where: string,
): Map<string, CompiledSegment> {
  const segments = new Map<string, CompiledSegment>();
  for (let i = 0; i < ranges.length; i += 2) {
    const segment = Segment.decode(bytes.subarray(ranges[i], ranges[i + 1]));
    if (segments.has(segment.key)) throw new Error(`${where}: segment "${segment.key}" appears twice`);
    segments.set(segment.key, compileSegment(segment, `${where}: segment "${segment.key}"`));
  }
  return segments;
}

function compileSegment(segment: Segment, where: string): CompiledSegment {
  if (segment.matchType !== MatchType.MATCH_TYPE_ALL && segment.matchType !== MatchType.MATCH_TYPE_ANY) {
    throw new Error(`${where} has unknown match type ${segment.matchType}`);
  }
  return {
    key: segment.key,
    matchAny: segment.matchType === MatchType.MATCH_TYPE_ANY,
    constraints: segment.constraints.map((c, i) => compileConstraint(c, `${where} constraint ${i + 1}`)),
  };
}
