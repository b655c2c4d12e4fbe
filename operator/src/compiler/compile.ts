// compile(namespace): Flag and Segment resources → one self-contained, deterministic RuleSet, plus
// diagnostics and a verdict per object. Pure: no I/O, clock or logger. The last-good policy is
// described in docs/compiler.md.
import { computeRevision } from '@ensign/core/revision.ts';
import { Flag, Segment, type Access, type RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';
import type { Flag as FlagResource } from '../api/flag.ts';
import type { FlagNamespace as FlagNamespaceResource } from '../api/flag-namespace.ts';
import type { Segment as SegmentResource } from '../api/segment.ts';
import { compareCodePoints } from './canonical-json.ts';
import { compileFlag, flagKeyOf, sortedRecord, type SegmentState } from './compile-flag.ts';
import { compileSegment, type FieldProblem } from './compile-segment.ts';
import { Reason, type Diagnostic, type ObjectKind, type ObjectOutcome, type Severity } from './diagnostic.ts';

export interface CompileInput {
  namespace: string;
  flags: readonly FlagResource[];
  segments: readonly SegmentResource[];
  /** The rule set last published for this namespace; the source of last good flag versions. */
  previous?: RuleSet | undefined;
  /** The namespace's FlagNamespace, if any: its access policy travels with the rule set. */
  flagNamespace?: FlagNamespaceResource | undefined;
}

export interface CompileResult {
  ruleSet: RuleSet;
  /** Ordered by kind, then object name, then position in the object. */
  diagnostics: Diagnostic[];
  /** One per input object, ordered by kind, then name. */
  objects: ObjectOutcome[];
}

export function compile(input: CompileInput): CompileResult {
  const { namespace, previous } = input;
  if (previous !== undefined && previous.namespace !== namespace) {
    throw new Error(`previous rule set is for namespace "${previous.namespace}", not "${namespace}"`);
  }
  const report = new Report(namespace);
  const segments = compileSegments(input.segments, report);
  const served = compileFlags(input.flags, segments, previous, report);
  const neededSegments = collectSegments(served, segments.valid, previous);
  for (const [key, failure] of segments.invalid) {
    const fromLastGood = neededSegments.has(key);
    report.outcome(
      'Segment',
      failure.name,
      key,
      false,
      failure.reason,
      lastGoodNote(failure.message, fromLastGood, 'segment'),
      fromLastGood,
    );
  }
  const ruleSet: RuleSet = {
    namespace,
    revision: '',
    flags: [...served.values()].map((s) => s.flag).sort(byKey),
    segments: [...neededSegments.values()].sort(byKey),
    access: compileAccess(input.flagNamespace),
  };
  ruleSet.revision = computeRevision(ruleSet);
  return { ruleSet, diagnostics: report.sortedDiagnostics(), objects: report.sortedOutcomes() };
}

/** The FlagNamespace's extra admitted callers, sorted so equal policies give equal bytes. */
export function compileAccess(flagNamespace: FlagNamespaceResource | undefined): Access | undefined {
  const access = flagNamespace?.spec.access;
  if (access === undefined) return undefined;
  const namespaces = [...new Set(access.namespaces)].sort(compareCodePoints);
  const seen = new Set<string>();
  const serviceAccounts = access.serviceAccounts
    .filter((sa) => {
      const id = `${sa.namespace}/${sa.name}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    })
    .map((sa) => ({ namespace: sa.namespace, name: sa.name }))
    .sort((a, b) => compareCodePoints(a.namespace, b.namespace) || compareCodePoints(a.name, b.name));
  if (namespaces.length === 0 && serviceAccounts.length === 0) return undefined;
  return { namespaces, serviceAccounts };
}

interface SegmentFailure {
  name: string;
  reason: Reason;
  message: string;
}

interface CompiledSegments {
  valid: Map<string, Segment>;
  invalid: Map<string, SegmentFailure>;
}

function compileSegments(resources: readonly SegmentResource[], report: Report): CompiledSegments {
  const valid = new Map<string, Segment>();
  const invalid = new Map<string, SegmentFailure>();
  const duplicates = duplicateNames(resources);
  for (const resource of sortByName(resources)) {
    const name = resource.metadata.name;
    const problems = duplicates.has(name) ? [duplicateObject('Segment', name)] : [];
    const result = problems.length === 0 ? compileSegment(resource) : undefined;
    if (result?.ok === true) {
      valid.set(name, result.segment);
      report.problems('Segment', name, result.warnings, 'Warning');
      const message = withWarnings(`segment "${name}" compiled`, result.warnings);
      report.outcome('Segment', name, name, true, Reason.Compiled, message, false);
      continue;
    }
    if (result !== undefined) problems.push(...result.problems);
    report.problems('Segment', name, problems);
    invalid.set(name, { name, reason: firstReason(problems), message: describe(problems) });
  }
  return { valid, invalid };
}

interface ServedFlag {
  flag: Flag;
  fromLastGood: boolean;
}

function compileFlags(
  resources: readonly FlagResource[],
  segments: CompiledSegments,
  previous: RuleSet | undefined,
  report: Report,
): Map<string, ServedFlag> {
  const context = {
    namespace: report.namespace,
    segmentState: (key: string): SegmentState =>
      segments.valid.has(key) ? 'valid' : segments.invalid.has(key) ? 'invalid' : 'missing',
  };
  const previousFlags = new Map(previous?.flags.map((f) => [f.key, f]));
  const available = new Set([...segments.valid.keys(), ...(previous?.segments.map((s) => s.key) ?? [])]);
  const served = new Map<string, ServedFlag>();
  const duplicates = duplicateNames(resources);
  for (const [key, claimants] of groupByKey(sortByName(resources))) {
    const [winner, ...losers] = claimants;
    if (winner === undefined) continue;
    const warning = reportDuplicateKey(key, winner, losers, report);
    const name = winner.metadata.name;
    const problems = duplicates.has(name) ? [duplicateObject('Flag', name)] : [];
    const result = problems.length === 0 ? compileFlag(winner, context) : undefined;
    if (result?.ok === true) {
      served.set(key, { flag: result.flag, fromLastGood: false });
      const message = withWarnings(`flag "${key}" compiled`, warning === undefined ? [] : [warning]);
      report.outcome('Flag', name, key, true, Reason.Compiled, message, false);
      continue;
    }
    if (result !== undefined) problems.push(...result.problems);
    report.problems('Flag', name, problems);
    const lastGood = previousFlags.get(key);
    const missing =
      lastGood === undefined ? [] : referencedSegments(lastGood).filter((k) => !available.has(k));
    const fromLastGood = lastGood !== undefined && missing.length === 0;
    if (fromLastGood) served.set(key, { flag: copyFlag(lastGood), fromLastGood });
    let message = lastGoodNote(describe(problems), fromLastGood, 'flag');
    if (missing.length > 0)
      message += `; its last good version needs missing segment "${missing.join('", "')}"`;
    report.outcome('Flag', name, key, false, firstReason(problems), message, fromLastGood);
  }
  return served;
}

/** Reports the losers of a shared flag key; returns the warning for the winner, if any. */
function reportDuplicateKey(
  key: string,
  winner: FlagResource,
  losers: FlagResource[],
  report: Report,
): FieldProblem | undefined {
  if (losers.length === 0) return undefined;
  const fieldPath = (f: FlagResource): string => (f.spec.key === undefined ? 'metadata.name' : 'spec.key');
  const winnerName = winner.metadata.name;
  const loserNames = losers.map((f) => `"${f.metadata.name}"`).join(', ');
  const warning: FieldProblem = {
    fieldPath: fieldPath(winner),
    reason: Reason.DuplicateFlagKey,
    message: `flag key "${key}" is also claimed by Flag ${loserNames}; this Flag is served because its name sorts first`,
  };
  report.diagnostic({ kind: 'Flag', name: winnerName, severity: 'Warning', ...warning });
  for (const loser of losers) {
    const message = `flag key "${key}" is also claimed by Flag "${winnerName}", which is served instead`;
    report.diagnostic({
      kind: 'Flag',
      name: loser.metadata.name,
      fieldPath: fieldPath(loser),
      severity: 'Error',
      reason: Reason.DuplicateFlagKey,
      message,
    });
    report.outcome('Flag', loser.metadata.name, key, false, Reason.DuplicateFlagKey, message, false);
  }
  return warning;
}

/**
 * The segments the served flags reference: the fresh compile when the segment is valid now,
 * otherwise (only reachable from last good flags) the definition from the previous rule set.
 */
function collectSegments(
  served: ReadonlyMap<string, ServedFlag>,
  valid: ReadonlyMap<string, Segment>,
  previous: RuleSet | undefined,
): Map<string, Segment> {
  const previousSegments = new Map(previous?.segments.map((s) => [s.key, s]));
  const needed = new Map<string, Segment>();
  for (const { flag } of served.values()) {
    for (const key of referencedSegments(flag)) {
      if (needed.has(key)) continue;
      const fresh = valid.get(key);
      const old = previousSegments.get(key);
      if (fresh !== undefined) needed.set(key, fresh);
      else if (old !== undefined) needed.set(key, Segment.fromPartial(old));
    }
  }
  return needed;
}

/** Every segment key a compiled flag's rules and rollouts name, in order (may repeat). */
export function referencedSegments(flag: Flag): string[] {
  const keys = flag.rules.flatMap((r) => r.segmentKeys);
  for (const rollout of flag.rollouts) {
    if (rollout.kind?.$case === 'segment') keys.push(...rollout.kind.value.segmentKeys);
  }
  return keys;
}

/** A deep copy with the metadata map re-inserted in sorted order (a decoded map keeps wire order). */
function copyFlag(flag: Flag): Flag {
  const copy = Flag.fromPartial(flag);
  copy.metadata = sortedRecord(copy.metadata);
  return copy;
}

function lastGoodNote(message: string, fromLastGood: boolean, kind: 'flag' | 'segment'): string {
  if (kind === 'segment')
    return fromLastGood ? `${message}; flags using it keep its last good version` : message;
  return fromLastGood ? `${message}; serving the last good version` : `${message}; not served`;
}

function groupByKey(flags: readonly FlagResource[]): Map<string, FlagResource[]> {
  const groups = new Map<string, FlagResource[]>();
  for (const flag of flags) {
    const key = flagKeyOf(flag);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [flag]);
    else group.push(flag);
  }
  return groups;
}

function duplicateNames(resources: readonly { metadata: { name: string } }[]): Set<string> {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const { metadata } of resources) {
    if (seen.has(metadata.name)) duplicates.add(metadata.name);
    seen.add(metadata.name);
  }
  return duplicates;
}

function duplicateObject(kind: ObjectKind, name: string): FieldProblem {
  return {
    fieldPath: 'metadata.name',
    reason: Reason.DuplicateObject,
    message: `more than one ${kind} is named "${name}"`,
  };
}

function sortByName<T extends { metadata: { name: string } }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => compareCodePoints(a.metadata.name, b.metadata.name));
}

function byKey(a: { key: string }, b: { key: string }): number {
  return compareCodePoints(a.key, b.key);
}

function firstReason(problems: readonly FieldProblem[]): Reason {
  return problems[0]?.reason ?? Reason.Compiled;
}

function withWarnings(message: string, warnings: readonly FieldProblem[]): string {
  return warnings.length === 0 ? message : `${message}; warning: ${describe(warnings)}`;
}

function describe(problems: readonly FieldProblem[]): string {
  return problems.map((p) => `${p.fieldPath}: ${p.message}`).join('; ');
}

/** Collects diagnostics and outcomes in any order and hands them back in a deterministic one. */
class Report {
  readonly namespace: string;
  readonly #diagnostics: Diagnostic[] = [];
  readonly #outcomes: ObjectOutcome[] = [];

  constructor(namespace: string) {
    this.namespace = namespace;
  }

  diagnostic(d: Omit<Diagnostic, 'namespace'>): void {
    this.#diagnostics.push({ ...d, namespace: this.namespace });
  }

  problems(
    kind: ObjectKind,
    name: string,
    problems: readonly FieldProblem[],
    severity: Severity = 'Error',
  ): void {
    for (const p of problems) this.diagnostic({ kind, name, severity, ...p });
  }

  outcome(
    kind: ObjectKind,
    name: string,
    key: string,
    ready: boolean,
    reason: Reason,
    message: string,
    servedFromLastGood: boolean,
  ): void {
    this.#outcomes.push({
      kind,
      name,
      namespace: this.namespace,
      key,
      ready,
      reason,
      message,
      servedFromLastGood,
    });
  }

  sortedDiagnostics(): Diagnostic[] {
    return [...this.#diagnostics].sort(byKindAndName);
  }

  sortedOutcomes(): ObjectOutcome[] {
    return [...this.#outcomes].sort(byKindAndName);
  }
}

function byKindAndName(a: { kind: ObjectKind; name: string }, b: { kind: ObjectKind; name: string }): number {
  return compareCodePoints(a.kind, b.kind) || compareCodePoints(a.name, b.name);
}
