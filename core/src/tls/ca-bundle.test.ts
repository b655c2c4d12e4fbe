import { describe, expect, it } from 'vitest';
import { caBundleProblem } from './ca-bundle.ts';
import { createTestCa } from './test-certificates.ts';

describe('caBundleProblem', () => {
  it('accepts a bundle of parseable certificates and names a bad one', async () => {
    const [a, b] = await Promise.all([createTestCa('A'), createTestCa('B')]);
    expect(caBundleProblem(a.certPem + b.certPem)).toBeUndefined();
    expect(caBundleProblem('nothing')).toBe('contains no PEM certificate');
    const broken = `${a.certPem}-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`;
    expect(caBundleProblem(broken)).toMatch(/^certificate 2 does not parse/);
  });
});
