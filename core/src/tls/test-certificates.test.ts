import { X509Certificate, createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTestCa } from './test-certificates.ts';

describe('createTestCa', () => {
  it('makes a CA whose serving certificates node:crypto verifies, with the requested names', async () => {
    const ca = await createTestCa();
    const serving = await ca.issue({ dnsNames: ['ensign-operator.ensign.svc'], ipAddresses: ['127.0.0.1'] });
    const caCert = new X509Certificate(ca.certPem);
    const cert = new X509Certificate(serving.certPem);
    expect(caCert.ca).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.checkHost('ensign-operator.ensign.svc')).toBe('ensign-operator.ensign.svc');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkHost('other.example')).toBeUndefined();
    expect(cert.checkPrivateKey(createPrivateKey(serving.keyPem))).toBe(true);
  });

  it('signs certificates of two CAs that do not trust each other', async () => {
    const [a, b] = await Promise.all([createTestCa('A'), createTestCa('B')]);
    const fromB = new X509Certificate((await b.issue({ dnsNames: ['x'] })).certPem);
    expect(fromB.verify(new X509Certificate(a.certPem).publicKey)).toBe(false);
  });
});
