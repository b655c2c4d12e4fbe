// One (engine, size) load benchmark in its own process. Prints one JSON line (a LoadRecord).
// The data files must exist (run.ts writes them; or `node bench/src/write-data.ts 1000 10000`).
// Usage: node --expose-gc bench/src/load-process.ts <engine> <flags> [--reps K]
import { parseArgs } from 'node:util';
import { engineVersion } from './engine-version.ts';
import { isEngineName } from './eval-engine.ts';
import { withLoadTarget } from './load-targets.ts';
import { measureLoad } from './measure-load.ts';
import { processClock } from './process-clock.ts';
import type { LoadRecord } from './records.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { reps: { type: 'string' } } });
const [engine, flagsArg] = positionals;
if (engine === undefined || !isEngineName(engine) || flagsArg === undefined) {
  throw new Error(`usage: load-process.ts <engine> <flags> [--reps K]; got "${positionals.join(' ')}"`);
}
const flags = Number(flagsArg);
const reps = values.reps === undefined ? (flags >= 10_000 ? 5 : 10) : Number(values.reps);
const clock = processClock();

const measurement = await withLoadTarget(engine, flags, {
  visit: (target) =>
    measureLoad(target, reps, { ns: clock.ns, gc: clock.gc, memory: () => process.memoryUsage() }),
});
const record: LoadRecord = { kind: 'load', engine, version: engineVersion(engine), flags, ...measurement };
console.log(JSON.stringify(record));
process.exit(0);
