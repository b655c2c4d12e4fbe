// One (engine, op) evaluation benchmark in its own process, so JIT feedback and GC state never
// carry over between engines or operations. Prints one JSON line (an EvalRecord).
// Usage: node --expose-gc bench/src/eval-process.ts <engine> <op> [--flags 100] [--quick]
import { parseArgs } from 'node:util';
import { EVAL_FLAGS, makeEntities } from './entities.ts';
import { engineVersion } from './engine-version.ts';
import { withEvalEngine } from './engines.ts';
import { isEngineName, isOp } from './eval-engine.ts';
import { FULL_EVAL, QUICK_EVAL, measureEval } from './measure-eval.ts';
import { processClock } from './process-clock.ts';
import type { EvalRecord } from './records.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    flags: { type: 'string', default: String(EVAL_FLAGS) },
    quick: { type: 'boolean', default: false },
  },
});
const [engine, op] = positionals;
if (engine === undefined || op === undefined || !isEngineName(engine) || !isOp(op)) {
  throw new Error(`usage: eval-process.ts <engine> <op>; got "${positionals.join(' ')}"`);
}
const flags = Number(values.flags);
const settings = values.quick ? QUICK_EVAL : FULL_EVAL;
const entities = makeEntities();

const record = await withEvalEngine<EvalRecord>(engine, flags, entities, {
  visit(e) {
    const measurement = measureEval(e.ops[op], e.contexts, settings, processClock());
    e.close();
    const version = engineVersion(engine);
    return Promise.resolve({
      kind: 'eval',
      engine,
      version,
      op,
      flags,
      contexts: e.contexts.length,
      ...measurement,
    });
  },
});
console.log(JSON.stringify(record));
process.exit(0);
