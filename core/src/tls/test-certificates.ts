// Development and test certificates: a CA and serving certificates it signs, made in memory with
// @peculiar/x509 (node:crypto can parse certificates but not issue them). Not for production; a
// cluster gets its sync certificate from cert-manager or a Secret.
// @peculiar/x509 resolves its algorithms through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto);

const ALGORITHM: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
const DAY_MS = 24 * 60 * 60 * 1000;

export interface PemPair {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface TestCa extends PemPair {
  /** Signs a serving certificate for these DNS names and IP addresses. */
  issue(options: ServingCertificateOptions): Promise<PemPair>;
}

export interface ServingCertificateOptions {
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

async function keyPair(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
}

async function privateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

export async function createTestCa(commonName = 'Ensign test CA', now = new Date()): Promise<TestCa> {
  const keys = await keyPair();
  const name = `CN=${commonName}`;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name,
    keys,
    signingAlgorithm: SIGNING,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + 30 * DAY_MS),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return {
    certPem: ca.toString('pem'),
    keyPem: await privateKeyPem(keys.privateKey),
    async issue(options) {
      const leafKeys = await keyPair();
      const dnsNames = options.dnsNames ?? [];
      const ipAddresses = options.ipAddresses ?? [];
      const cert = await x509.X509CertificateGenerator.create({
        subject: `CN=${dnsNames[0] ?? ipAddresses[0] ?? 'ensign'}`,
        issuer: ca.subject,
        publicKey: leafKeys.publicKey,
        signingKey: keys.privateKey,
        signingAlgorithm: SIGNING,
        notBefore: options.notBefore ?? new Date(now.getTime() - 60_000),
        notAfter: options.notAfter ?? new Date(now.getTime() + 7 * DAY_MS),
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
          new x509.SubjectAlternativeNameExtension([
            ...dnsNames.map((value) => ({ type: 'dns' as const, value })),
            ...ipAddresses.map((value) => ({ type: 'ip' as const, value })),
          ]),
          await x509.AuthorityKeyIdentifierExtension.create(keys.publicKey),
        ],
      });
      return { certPem: cert.toString('pem'), keyPem: await privateKeyPem(leafKeys.privateKey) };
    },
  };
}
