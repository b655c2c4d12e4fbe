// For information: the operator's cost to turn the N-flag workload's resources into the bytes a
// sidecar receives. Stages: schema (JSON.parse + the zod schemas the operator validates with),
// compile (resources → RuleSet, revision hash included), encode (RuleSet → protobuf bytes).
// Prints one JSON line (a CompileRecord).
// Usage: node --expose-gc bench/src/compile-process.ts <flags> [--reps K]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { flag } from '@ensign/operator/api/flag.ts';
import { segment } from '@ensign/operator/api/segment.ts';
import { dataFile } from './data-files.ts';
import { compileWorkload, encodeRuleSet } from './ensign-rule-set.ts';
import type { EnsignWorkload } from './ensign-workload.ts';
import { processClock } from './process-clock.ts';
import { median, round } from './stats.ts';
import type { CompileRecord } from './records.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { reps: { type: 'string' } } });
const flags = Number(positionals[0]);
if (!Number.isInteger(flags) || flags <= 0) throw new Error('usage: compile-process.ts <flags> [--reps K]');
const reps = values.reps === undefined ? (flags >= 10_000 ? 5 : 10) : Number(values.reps);
const clock = processClock();
const elapsedMs = (t0: bigint): number => round(Number(clock.ns() - t0) / 1e6, 2);

const text = readFileSync(dataFile('ensign-resources', flags), 'utf8');
clock.gc();
let t0 = clock.ns();
const raw = JSON.parse(text) as { flags: unknown[]; segments: unknown[] };
const workload: EnsignWorkload = {
  flags: raw.flags.map((f) => flag.parse(f)),
  segments: raw.segments.map((s) => segment.parse(s)),
};
const schemaMs = elapsedMs(t0);

clock.gc();
t0 = clock.ns();
const result = compileWorkload(workload);
const compileColdMs = elapsedMs(t0);

const warm: number[] = [];
for (let r = 0; r < reps; r++) {
  clock.gc();
  t0 = clock.ns();
  compileWorkload(workload);
  warm.push(elapsedMs(t0));
}

clock.gc();
t0 = clock.ns();
const bytes = encodeRuleSet(result.ruleSet);
const encodeMs = elapsedMs(t0);

const record: CompileRecord = {
  kind: 'compile',
  engine: 'ensign-compile',
  flags,
  inputBytes: Buffer.byteLength(text),
  ruleSetBytes: bytes.byteLength,
  schemaMs,
  compileColdMs,
  compileWarmMsMedian: round(median(warm), 2),
  encodeMs,
  warmReps: reps,
  diagnostics: result.diagnostics.length,
};
console.log(JSON.stringify(record));
process.exit(0);
