import { describe, expect, it } from 'vitest';
import { createTestCa } from '@ensign/core/tls/test-certificates.ts';
import { createOperatorChannelSecurity } from './operator-channel.ts';

describe('createOperatorChannelSecurity', () => {
  it('returns the same security while the CA bundle is unchanged and new security after it changes', async () => {
    const [a, b] = await Promise.all([createTestCa('A'), createTestCa('B')]);
    let ca = a.certPem;
    const security = createOperatorChannelSecurity({
      insecure: false,
      caFile: '/ca.crt',
      serverName: 'ensign-operator.ensign.svc',
      readFile: () => Promise.resolve(Buffer.from(ca)),
    });
    const first = await security();
    expect(await security()).toBe(first);
    expect(first.options).toEqual({ 'grpc.ssl_target_name_override': 'ensign-operator.ensign.svc' });
    expect(first.credentials._isSecure()).toBe(true);
    ca = b.certPem;
    expect(await security()).not.toBe(first);
  });

  it('fails clearly when the bundle is missing or broken', async () => {
    const missing = createOperatorChannelSecurity({
      insecure: false,
      caFile: '/ca.crt',
      readFile: () => Promise.reject(Object.assign(new Error('x'), { code: 'ENOENT' })),
    });
    await expect(missing()).rejects.toThrow('cannot read the sync CA bundle /ca.crt: ENOENT');
    const broken = createOperatorChannelSecurity({
      insecure: false,
      caFile: '/ca.crt',
      readFile: () => Promise.resolve(Buffer.from('junk')),
    });
    await expect(broken()).rejects.toThrow('sync CA bundle /ca.crt contains no PEM certificate');
  });

  it('trusts a PEM bundle given as text, and refuses a broken one at once', async () => {
    const ca = await createTestCa('A');
    const security = createOperatorChannelSecurity({
      insecure: false,
      caPem: ca.certPem,
      serverName: 'op.example',
    });
    const first = await security();
    expect(first.credentials._isSecure()).toBe(true);
    expect(first.options).toEqual({ 'grpc.ssl_target_name_override': 'op.example' });
    expect(await security()).toBe(first);
    expect(() => createOperatorChannelSecurity({ insecure: false, caPem: 'junk' })).toThrow(
      'sync CA bundle (--sync-ca-pem) contains no PEM certificate',
    );
  });

  it('is plaintext only when asked for, and uses the system roots without a bundle', async () => {
    expect((await createOperatorChannelSecurity({ insecure: true })()).credentials._isSecure()).toBe(false);
    const system = await createOperatorChannelSecurity({ insecure: false })();
    expect(system.credentials._isSecure()).toBe(true);
    expect(system.options).toEqual({});
  });
});
