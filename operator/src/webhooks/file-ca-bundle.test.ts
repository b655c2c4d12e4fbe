import { describe, expect, it } from 'vitest';
import { createTestCa } from '@ensign/core/tls/test-certificates.ts';
import { caBundleProblem } from '@ensign/core/tls/ca-bundle.ts';
import { createFileCaBundle } from './file-ca-bundle.ts';

const quiet = { info: () => undefined, warn: () => undefined };

describe('createFileCaBundle', () => {
  it('serves the file, keeps the last good bundle over a broken one and takes a new good one', async () => {
    const [a, b] = await Promise.all([createTestCa('A'), createTestCa('B')]);
    let text = a.certPem;
    const bundle = await createFileCaBundle({
      file: '/ca.crt',
      logger: quiet,
      readFile: () => Promise.resolve(Buffer.from(text)),
    });
    expect(bundle.current()).toBe(a.certPem);
    text = 'half-written';
    expect(await bundle.reload()).toBe(false);
    expect(bundle.current()).toBe(a.certPem);
    text = a.certPem + b.certPem;
    expect(await bundle.reload()).toBe(true);
    expect(bundle.current()).toBe(a.certPem + b.certPem);
    bundle.close();
  });

  it('refuses to start without a usable bundle', async () => {
    await expect(
      createFileCaBundle({
        file: '/ca.crt',
        logger: quiet,
        readFile: () => Promise.resolve(Buffer.from('x')),
      }),
    ).rejects.toThrow('CA bundle --ca-file /ca.crt contains no PEM certificate');
    expect(caBundleProblem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----')).toMatch(
      /^certificate 1 does not parse/,
    );
  });
});
