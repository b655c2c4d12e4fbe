import { describe, expect, it } from 'vitest';
import { expectedRule, flagKey, makeEntities, mulberry32 } from './entities.ts';

describe('the shared workload', () => {
  it('reproduces the reference rule mix for seed 42 (2,510 / 3,767 / 3,723 of 10,000)', () => {
    const counts = { pro: 0, geo: 0, split: 0 };
    for (const e of makeEntities()) counts[expectedRule(e)]++;
    expect(counts).toEqual({ pro: 2510, geo: 3767, split: 3723 });
  });

  it('draws the same sequence for the same seed and another for another seed', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const c = mulberry32(8);
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    expect([c(), c(), c()]).not.toEqual(first);
    for (const x of first) expect(x >= 0 && x < 1).toBe(true);
  });

  it('names even indexes as variant flags and odd ones as boolean flags', () => {
    expect([0, 1, 2, 9].map(flagKey)).toEqual(['v-0', 'b-1', 'v-2', 'b-9']);
  });

  it('puts a pro plan over 30 on rule 1 even in a listed country, and 30 itself on the next rule', () => {
    expect(expectedRule({ id: 'x', plan: 'pro', age: 31, country: 'US' })).toBe('pro');
    expect(expectedRule({ id: 'x', plan: 'pro', age: 30, country: 'US' })).toBe('geo');
    expect(expectedRule({ id: 'x', plan: 'pro', age: 30, country: 'BR' })).toBe('split');
  });
});
