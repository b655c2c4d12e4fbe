import { describe, expect, it } from 'vitest';
import { ensignEngine } from './ensign-adapter.ts';
import { withEvalEngine } from './engines.ts';
import { expectedRule, makeEntities, type Entity } from './entities.ts';
import { agreement, observe, tallySanity, type Observations } from './sanity.ts';

/** What a perfect engine would answer: the expected rule's variant, the split alternating. */
function idealObservations(entities: readonly Entity[]): {
  variant: string[];
  forced: string[];
  boolean: boolean[];
} {
  return {
    variant: entities.map((e, i) => {
      const rule = expectedRule(e);
      return rule === 'split' ? (i % 2 === 0 ? 'control' : 'treatment') : rule;
    }),
    forced: entities.map((_, i) => (i % 2 === 0 ? 'control' : 'treatment')),
    boolean: entities.map((_, i) => i % 10 < 3),
  };
}

describe('tallySanity', () => {
  const entities = makeEntities(400);
  const counted = { pro: 0, geo: 0, split: 0 };
  for (const e of entities) counted[expectedRule(e)]++;

  it('counts each expected rule and every answer by variant', () => {
    const tally = tallySanity(entities, idealObservations(entities));
    expect(tally.expectedRuleCounts).toEqual(counted);
    expect(tally.natural.pro).toBe(counted.pro);
    expect(tally.natural.geo).toBe(counted.geo);
    expect(tally.natural.control + tally.natural.treatment).toBe(counted.split);
    expect(tally.natural.other).toBe(0);
    expect(tally.mismatches).toBe(0);
    expect(tally.forcedControl.share).toBe(0.5);
    expect(tally.booleanTrue.share).toBe(0.3);
    expect(tally.ok).toBe(true);
  });

  it('counts an entity on the wrong rule, an unknown variant and a split answer for a rule-1 entity as mismatches', () => {
    const seen = idealObservations(entities);
    const pro = entities.findIndex((e) => expectedRule(e) === 'pro');
    const geo = entities.findIndex((e) => expectedRule(e) === 'geo');
    const split = entities.findIndex((e) => expectedRule(e) === 'split');
    seen.variant[pro] = 'control';
    seen.variant[geo] = 'pro';
    seen.variant[split] = 'nope';
    const tally = tallySanity(entities, seen);
    expect(tally.mismatches).toBe(3);
    expect(tally.natural.other).toBe(1);
    expect(tally.ok).toBe(false);
  });

  it('flags a share outside binomial 2σ', () => {
    const seen: Observations = {
      ...idealObservations(entities),
      boolean: entities.map((_, i) => i % 2 === 0),
    };
    const tally = tallySanity(entities, seen);
    expect(tally.booleanTrue.share).toBe(0.5);
    expect(tally.booleanTrue.withinTwoSigma).toBe(false);
    expect(tally.ok).toBe(false);
  });
});

describe("Ensign's engine on a small sample", () => {
  const entities = makeEntities(500);
  const seen = observe(ensignEngine(10, entities), entities);

  it('puts every entity on the rule it should hit', () => {
    const tally = tallySanity(entities, seen);
    expect(tally.mismatches).toBe(0);
    expect(tally.natural.other).toBe(0);
    expect(tally.natural.pro).toBe(tally.expectedRuleCounts.pro);
    expect(tally.natural.geo).toBe(tally.expectedRuleCounts.geo);
  });

  it('agrees with itself entity by entity', () => {
    expect(agreement(seen, seen)).toEqual({ variant: 1, forced: 1, boolean: 1 });
  });
});

describe('the peer engines on a small sample of their native documents', () => {
  const entities = makeEntities(300);

  it.each(['flagd', 'flipt', 'unleash'] as const)(
    '%s puts every entity on the rule it should hit',
    async (name) => {
      const tally = await withEvalEngine(name, 10, entities, {
        visit(engine) {
          const seen = observe(engine, entities);
          engine.close();
          return Promise.resolve(tallySanity(entities, seen));
        },
      });
      expect(tally.mismatches).toBe(0);
      expect(tally.natural.other).toBe(0);
    },
  );
});
