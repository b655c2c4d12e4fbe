// Runs the correctness sanity for every engine on the 100-flag state and the 10,000 entities,
// plus Ensign's agreement with Flipt (Ensign buckets exactly as Flipt does). Prints one JSON line.
// Usage: node bench/src/sanity-process.ts
import { EVAL_FLAGS, makeEntities } from './entities.ts';
import { withEvalEngine } from './engines.ts';
import { ENGINES, type EngineName } from './eval-engine.ts';
import { agreement, observe, tallySanity, type Observations, type SanityTally } from './sanity.ts';
import type { SanityRecord } from './records.ts';

const entities = makeEntities();
const seen = new Map<EngineName, Observations>();
const engines: Partial<Record<EngineName, SanityTally>> = {};
for (const name of ENGINES) {
  const observations = await withEvalEngine(name, EVAL_FLAGS, entities, {
    visit(engine) {
      const o = observe(engine, entities);
      engine.close();
      return Promise.resolve(o);
    },
  });
  seen.set(name, observations);
  engines[name] = tallySanity(entities, observations);
}
const ensign = seen.get('ensign');
const flipt = seen.get('flipt');
const record: SanityRecord = {
  kind: 'sanity',
  engines,
  ensignAgreementWithFlipt: ensign && flipt ? agreement(ensign, flipt) : null,
};
console.log(JSON.stringify(record));
process.exit(0);
