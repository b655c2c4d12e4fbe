// Carries out a certificate plan: makes the CA, cross-signature and serving certificates it asks
// for with @peculiar/x509 (ECDSA P-256) and returns the Secret data to write. Everything the plan
// keeps is copied as it was.
// @peculiar/x509 resolves its algorithms through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import {
  CERTIFICATE_POLICY,
  DATA_KEY,
  LEAF_KEYS,
  pemCertificates,
  type CertificateData,
  type CertificateNames,
} from './certificate-data.ts';
import { caBundleOf, type CertificatePlan } from './plan-certificates.ts';

x509.cryptoProvider.set(webcrypto);

const ALGORITHM: webcrypto.EcKeyImportParams & webcrypto.EcKeyGenParams = {
  name: 'ECDSA',
  namedCurve: 'P-256',
};
const SIGNING: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

interface Signer {
  readonly cert: x509.X509Certificate;
  readonly privateKey: webcrypto.CryptoKey;
}

function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // positive, as RFC 5280 requires
  return bytes.toString('hex');
}

async function privateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

async function importPrivateKey(pem: string): Promise<webcrypto.CryptoKey> {
  const der = x509.PemConverter.decodeFirst(pem);
  return webcrypto.subtle.importKey('pkcs8', der, ALGORITHM, true, ['sign']);
}

/**
 * pathLength: a root CA allows one CA below it (its successor, cross-signed at rotation); the
 * cross-signed certificate allows none.
 */
function caExtensions(pathLength: number): x509.Extension[] {
  return [
    new x509.BasicConstraintsExtension(true, pathLength, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
  ];
}

async function createCa(now: number): Promise<{ signer: Signer; keyPem: string }> {
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  // A distinct name per CA: chain building matches issuers by name, and the old and new CA are
  // both trusted for a while.
  const name = `CN=ensign-operator CA ${new Date(now).toISOString().slice(0, 10)} ${randomBytes(4).toString('hex')}`;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name,
    keys,
    signingAlgorithm: SIGNING,
    notBefore: new Date(now - CERTIFICATE_POLICY.backdateMs),
    notAfter: new Date(now + CERTIFICATE_POLICY.caLifetimeMs),
    extensions: [...caExtensions(1), await x509.SubjectKeyIdentifierExtension.create(keys.publicKey)],
  });
  return { signer: { cert, privateKey: keys.privateKey }, keyPem: await privateKeyPem(keys.privateKey) };
}

async function loadCa(data: CertificateData): Promise<Signer> {
  return {
    cert: new x509.X509Certificate(data[DATA_KEY.caCert] ?? ''),
    privateKey: await importPrivateKey(data[DATA_KEY.caKey] ?? ''),
  };
}

/** The new CA's name and key, signed by the old CA: lets clients that trust only the old CA verify. */
async function crossSign(next: Signer, previous: Signer): Promise<string> {
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: next.cert.subject,
    issuer: previous.cert.subject,
    publicKey: next.cert.publicKey,
    signingKey: previous.privateKey,
    signingAlgorithm: SIGNING,
    notBefore: next.cert.notBefore,
    notAfter: new Date(Math.min(next.cert.notAfter.getTime(), previous.cert.notAfter.getTime())),
    extensions: [
      ...caExtensions(0),
      await x509.SubjectKeyIdentifierExtension.create(next.cert.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(previous.cert.publicKey),
    ],
  });
  return cert.toString('pem');
}

async function issueLeaf(
  ca: Signer,
  names: CertificateNames,
  now: number,
): Promise<{ certPem: string; keyPem: string }> {
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const notAfter = Math.min(now + CERTIFICATE_POLICY.leafLifetimeMs, ca.cert.notAfter.getTime());
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: `CN=${names.dnsNames[0] ?? 'ensign-operator'}`,
    issuer: ca.cert.subject,
    publicKey: keys.publicKey,
    signingKey: ca.privateKey,
    signingAlgorithm: SIGNING,
    notBefore: new Date(now - CERTIFICATE_POLICY.backdateMs),
    notAfter: new Date(notAfter),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        names.dnsNames.map((value) => ({ type: 'dns' as const, value })),
      ),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await privateKeyPem(keys.privateKey) };
}

function dropPreviousCa(data: Record<string, string>): void {
  Reflect.deleteProperty(data, DATA_KEY.previousCaCert);
  Reflect.deleteProperty(data, DATA_KEY.crossCert);
}

function withNewline(pem: string): string {
  return pem.endsWith('\n') ? pem : `${pem}\n`;
}

/** The Secret data after `plan` (a write plan) is carried out on `data`. */
export async function buildCertificateData(
  plan: Extract<CertificatePlan, { kind: 'write' }>,
  data: CertificateData,
  names: CertificateNames,
  now: number,
): Promise<Record<string, string>> {
  const out: Record<string, string> = { ...data };
  let ca: Signer;
  if (plan.ca === 'keep') ca = await loadCa(data);
  else {
    const previous = plan.ca === 'rotate' ? await loadCa(data) : undefined;
    const created = await createCa(now);
    ca = created.signer;
    out[DATA_KEY.caCert] = withNewline(ca.cert.toString('pem'));
    out[DATA_KEY.caKey] = withNewline(created.keyPem);
    dropPreviousCa(out);
    if (previous !== undefined) {
      out[DATA_KEY.previousCaCert] = withNewline(previous.cert.toString('pem'));
      out[DATA_KEY.crossCert] = withNewline(await crossSign(ca, previous));
    }
  }
  if (plan.dropPrevious) dropPreviousCa(out);
  const cross = out[DATA_KEY.crossCert];
  for (const leaf of plan.leaves) {
    const issued = await issueLeaf(ca, names, now);
    const chain = [issued.certPem, ...(cross === undefined ? [] : pemCertificates(cross))];
    out[LEAF_KEYS[leaf].cert] = chain.map(withNewline).join('');
    out[LEAF_KEYS[leaf].key] = withNewline(issued.keyPem);
  }
  out[DATA_KEY.caBundle] = caBundleOf(out);
  return out;
}
