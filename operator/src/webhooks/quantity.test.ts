import { describe, expect, it } from 'vitest';
import { quantityValue } from './quantity.ts';

describe('quantityValue', () => {
  it('reads decimal, binary and exponent suffixes', () => {
    expect(quantityValue('100m')).toBeCloseTo(0.1);
    expect(quantityValue('0.5')).toBe(0.5);
    expect(quantityValue('.5')).toBe(0.5);
    expect(quantityValue('64Mi')).toBe(64 * 1024 * 1024);
    expect(quantityValue('1G')).toBe(1e9);
    expect(quantityValue('1e3')).toBe(1000);
    expect(quantityValue('2E-3')).toBeCloseTo(0.002);
  });

  it('refuses what Kubernetes would not parse', () => {
    for (const bad of ['', 'lots', '-1', '1mi', '64 Mi', 'Mi', '1.2.3', '1Kb'])
      expect(quantityValue(bad), bad).toBeUndefined();
  });
});
