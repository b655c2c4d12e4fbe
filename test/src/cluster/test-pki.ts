// Throwaway key material for one test control plane: a CA that signs the API server's serving
// certificate and every client certificate (the API server trusts it as --client-ca-file), and an
// RSA key pair that signs and verifies service-account tokens. Node can make keys but not X.509
// certificates, so certificates come from the openssl command line.
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CertificateAuthority {
  readonly certPath: string;
  readonly keyPath: string;
}

export interface KeyPair {
  readonly certPath: string;
  readonly keyPath: string;
}

export interface TestPki {
  readonly ca: CertificateAuthority;
  readonly serving: KeyPair;
  readonly serviceAccountPublicKeyPath: string;
  readonly serviceAccountPrivateKeyPath: string;
}

async function openssl(args: readonly string[]): Promise<void> {
  try {
    await run('openssl', args);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`openssl ${args[0] ?? ''} failed (the test PKI needs openssl on PATH): ${detail}`, {
      cause: error,
    });
  }
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** Distinguished name for a Kubernetes client certificate: CN is the user, each O a group. */
export function clientSubject(user: string, groups: readonly string[]): string {
  const escape = (value: string): string => value.replace(/[/\\+,=]/g, (c) => `\\${c}`);
  return ['', ...groups.map((g) => `O=${escape(g)}`), `CN=${escape(user)}`].join('/');
}

async function signedBy(
  ca: CertificateAuthority,
  dir: string,
  name: string,
  subject: string,
  extensions: string,
): Promise<KeyPair> {
  const keyPath = join(dir, `${name}.key`);
  const csrPath = join(dir, `${name}.csr`);
  const extPath = join(dir, `${name}.ext`);
  const certPath = join(dir, `${name}.crt`);
  await writeFile(extPath, extensions);
  await openssl(['req', '-new', ...EC_KEY, '-keyout', keyPath, '-out', csrPath, '-subj', subject]);
  await openssl([
    ...['x509', '-req', '-in', csrPath, '-CA', ca.certPath, '-CAkey', ca.keyPath],
    ...['-set_serial', `0x${randomBytes(12).toString('hex')}`],
    ...['-days', '30', '-extfile', extPath, '-out', certPath],
  ]);
  return { certPath, keyPath };
}

/** Signs a client certificate for `user` in `groups`; files are named after `fileName`. */
export function issueClientCertificate(
  ca: CertificateAuthority,
  dir: string,
  fileName: string,
  user: string,
  groups: readonly string[],
): Promise<KeyPair> {
  return signedBy(
    ca,
    dir,
    fileName,
    clientSubject(user, groups),
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n',
  );
}

export async function createTestPki(dir: string): Promise<TestPki> {
  const ca = { certPath: join(dir, 'ca.crt'), keyPath: join(dir, 'ca.key') };
  await openssl([
    ...['req', '-x509', ...EC_KEY, '-keyout', ca.keyPath, '-out', ca.certPath],
    ...['-days', '30', '-subj', '/CN=ensign-test-ca'],
    ...['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
  ]);
  const serving = await signedBy(
    ca,
    dir,
    'apiserver',
    '/CN=kube-apiserver',
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default.svc',
      '',
    ].join('\n'),
  );
  // RSA, because every service-account token verifier (including jose in the sidecar) takes RS256.
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const serviceAccountPublicKeyPath = join(dir, 'sa.pub');
  const serviceAccountPrivateKeyPath = join(dir, 'sa.key');
  await writeFile(serviceAccountPublicKeyPath, publicKey);
  await writeFile(serviceAccountPrivateKeyPath, privateKey, { mode: 0o600 });
  return { ca, serving, serviceAccountPublicKeyPath, serviceAccountPrivateKeyPath };
}
