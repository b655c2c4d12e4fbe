import { execFile } from 'node:child_process';
import { createPublicKey, createPrivateKey } from 'node:crypto';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientSubject, createTestPki, issueClientCertificate } from './test-pki.ts';
import type { TestPki } from './test-pki.ts';

const run = promisify(execFile);

describe('clientSubject', () => {
  it('puts the user in CN and each group in O, as the API server reads client certificates', () => {
    expect(clientSubject('alice', ['devs', 'system:masters'])).toBe('/O=devs/O=system:masters/CN=alice');
  });

  it('escapes characters that would split the distinguished name', () => {
    expect(clientSubject('system:serviceaccount:ns:a/b', [])).toBe('/CN=system:serviceaccount:ns:a\\/b');
  });
});

describe('createTestPki', () => {
  let dir: string;
  let pki: TestPki;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ensign-pki-test-'));
    pki = await createTestPki(dir);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('signs a serving certificate for 127.0.0.1 and localhost that chains to the CA', async () => {
    const cert = new X509Certificate(await readFile(pki.serving.certPath));
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.verify(new X509Certificate(await readFile(pki.ca.certPath)).publicKey)).toBe(true);
    const { stdout } = await run('openssl', [
      'verify',
      '-purpose',
      'sslserver',
      '-CAfile',
      pki.ca.certPath,
      pki.serving.certPath,
    ]);
    expect(stdout).toContain(': OK');
  });

  it('issues client certificates whose subject carries the user and groups', async () => {
    const pair = await issueClientCertificate(pki.ca, dir, 'alice', 'alice', ['devs']);
    const cert = new X509Certificate(await readFile(pair.certPath));
    expect(cert.subject.split('\n')).toEqual(['O=devs', 'CN=alice']);
    const { stdout } = await run('openssl', [
      'verify',
      '-purpose',
      'sslclient',
      '-CAfile',
      pki.ca.certPath,
      pair.certPath,
    ]);
    expect(stdout).toContain(': OK');
    expect(createPublicKey(createPrivateKey(await readFile(pair.keyPath))).equals(cert.publicKey)).toBe(true);
  });

  it('makes an RSA service-account key pair whose halves match', async () => {
    const privateKey = createPrivateKey(await readFile(pki.serviceAccountPrivateKeyPath));
    expect(privateKey.asymmetricKeyType).toBe('rsa');
    expect(
      createPublicKey(privateKey).equals(createPublicKey(await readFile(pki.serviceAccountPublicKeyPath))),
    ).toBe(true);
  });
});
