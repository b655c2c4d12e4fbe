import { describe, expect, it } from 'vitest';
import { createTestCa } from '@ensign/core/tls/test-certificates.ts';
import { checkServingPair } from './serving-pair.ts';

describe('checkServingPair', () => {
  it('describes a matching pair and flags it expired after notAfter', async () => {
    const ca = await createTestCa();
    const pair = await ca.issue({
      dnsNames: ['x'],
      notBefore: new Date('2025-01-01T00:00:00Z'),
      notAfter: new Date('2025-02-01T00:00:00Z'),
    });
    const check = checkServingPair(
      Buffer.from(pair.certPem),
      Buffer.from(pair.keyPem),
      Date.parse('2025-03-01T00:00:00Z'),
    );
    expect(check).toMatchObject({
      ok: true,
      summary: { subject: 'CN=x', notAfter: '2025-02-01T00:00:00.000Z', expired: true },
    });
  });

  it('refuses text that is not a certificate or a key', async () => {
    const pair = await (await createTestCa()).issue({ dnsNames: ['x'] });
    expect(checkServingPair(Buffer.from('nope'), Buffer.from(pair.keyPem), 0)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^certificate does not parse/) as string,
    });
    expect(checkServingPair(Buffer.from(pair.certPem), Buffer.from('nope'), 0)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^private key does not parse/) as string,
    });
  });
});
