import { describe, expect, it } from 'vitest';
import { createTestCa } from '@ensign/core/tls/test-certificates.ts';
import { createFileServingTls } from './file-serving-tls.ts';

const quiet = { info: () => undefined, warn: () => undefined };

describe('createFileServingTls', () => {
  it('serves the files, installs a matching new pair and tells listeners', async () => {
    const ca = await createTestCa();
    const [a, b] = await Promise.all([
      ca.issue({ dnsNames: ['a.example'] }),
      ca.issue({ dnsNames: ['b.example'] }),
    ]);
    const files: Record<string, string> = { '/tls.crt': a.certPem, '/tls.key': a.keyPem };
    const tls = await createFileServingTls({
      certFile: '/tls.crt',
      keyFile: '/tls.key',
      logger: quiet,
      readFile: (path) => Promise.resolve(Buffer.from(files[path] ?? '')),
    });
    let changes = 0;
    const unsubscribe = tls.onChange(() => changes++);
    expect(tls.current()).toEqual({ cert: a.certPem, key: a.keyPem });
    expect(await tls.reload()).toBe(false);

    // Half a rotation: the new certificate next to the old key is refused.
    files['/tls.crt'] = b.certPem;
    expect(await tls.reload()).toBe(false);
    expect(tls.current().cert).toBe(a.certPem);

    files['/tls.key'] = b.keyPem;
    expect(await tls.reload()).toBe(true);
    expect(tls.current()).toEqual({ cert: b.certPem, key: b.keyPem });
    expect(changes).toBe(1);
    unsubscribe();
    files['/tls.crt'] = a.certPem;
    files['/tls.key'] = a.keyPem;
    expect(await tls.reload()).toBe(true);
    expect(changes).toBe(1);
    tls.close();
  });

  it('fails at start when the files are missing or do not belong together', async () => {
    const ca = await createTestCa();
    const [a, b] = await Promise.all([ca.issue({ dnsNames: ['a'] }), ca.issue({ dnsNames: ['b'] })]);
    await expect(
      createFileServingTls({
        certFile: '/c',
        keyFile: '/k',
        logger: quiet,
        readFile: () => Promise.reject(new Error('ENOENT')),
      }),
    ).rejects.toThrow('cannot read the webhook TLS certificate or key');
    const files: Record<string, string> = { '/c': a.certPem, '/k': b.keyPem };
    await expect(
      createFileServingTls({
        certFile: '/c',
        keyFile: '/k',
        logger: quiet,
        readFile: (p) => Promise.resolve(Buffer.from(files[p] ?? '')),
      }),
    ).rejects.toThrow('webhook TLS certificate /c: the private key does not belong to the certificate');
  });
});
