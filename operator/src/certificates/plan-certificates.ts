// Decides what the certificate Secret needs, from what it holds and the time. Pure: no I/O, no
// randomness (issuing happens in build-certificate-data.ts from the plan). Every check reads the
// PEM text again, so a Secret edited by hand, truncated or from another version is judged on what
// it really contains.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import {
  CERTIFICATE_POLICY,
  DATA_KEY,
  LEAF_KEYS,
  LEAVES,
  type CertificateData,
  type CertificateNames,
  type LeafName,
} from './certificate-data.ts';

export type CaAction = 'keep' | 'create' | 'rotate';

export type CertificatePlan =
  | { readonly kind: 'keep' }
  | {
      readonly kind: 'write';
      /** create: a new CA, nothing old trusted; rotate: a new CA, the current one kept as previous. */
      readonly ca: CaAction;
      /** The previous CA has expired (or is unreadable): drop it from the bundle. */
      readonly dropPrevious: boolean;
      readonly leaves: readonly LeafName[];
      /** Why, for the log. */
      readonly reasons: readonly string[];
      /**
       * The Secret cannot serve as it is (missing, unreadable or expired material): any replica
       * may write. Otherwise it is a renewal, which only the leader does.
       */
      readonly urgent: boolean;
    };

type Check =
  { readonly ok: true; readonly cert: X509Certificate } | { readonly ok: false; readonly why: string };

function parseCertificate(pem: string | undefined, what: string): Check {
  if (pem === undefined || pem.trim() === '') return { ok: false, why: `${what} is missing` };
  try {
    return { ok: true, cert: new X509Certificate(pem) };
  } catch (error) {
    return { ok: false, why: `${what} does not parse: ${errorText(error)}` };
  }
}

function keyMatches(cert: X509Certificate, keyPem: string | undefined, what: string): string | undefined {
  if (keyPem === undefined || keyPem.trim() === '') return `${what} key is missing`;
  try {
    return cert.checkPrivateKey(createPrivateKey(keyPem))
      ? undefined
      : `${what} key does not match its certificate`;
  } catch (error) {
    return `${what} key does not parse: ${errorText(error)}`;
  }
}

/** Fraction of the certificate's life that has passed at `now` (≥ 1: expired). */
function lifeUsed(cert: X509Certificate, now: number): number {
  const from = cert.validFromDate.getTime();
  const to = cert.validToDate.getTime();
  return to <= from ? 1 : (now - from) / (to - from);
}

function isExpired(cert: X509Certificate, now: number): boolean {
  return now >= cert.validToDate.getTime() || now < cert.validFromDate.getTime();
}

/** DNS names in the subjectAltName, sorted. */
export function dnsNamesOf(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? '')
    .split(', ')
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => entry.slice(4))
    .sort();
}

function sameNames(cert: X509Certificate, names: CertificateNames): boolean {
  const have = dnsNamesOf(cert);
  const want = [...new Set(names.dnsNames)].sort();
  return have.length === want.length && have.every((name, i) => name === want[i]);
}

/** The current CA, or why it cannot be used (then a new one is made and nothing else is kept). */
function checkCa(data: CertificateData, now: number): Check {
  const parsed = parseCertificate(data[DATA_KEY.caCert], 'CA certificate');
  if (!parsed.ok) return parsed;
  const { cert } = parsed;
  if (!cert.ca) return { ok: false, why: 'CA certificate is not a CA' };
  if (!cert.verify(cert.publicKey)) return { ok: false, why: 'CA certificate is not self-signed' };
  const keyProblem = keyMatches(cert, data[DATA_KEY.caKey], 'CA');
  if (keyProblem !== undefined) return { ok: false, why: keyProblem };
  if (isExpired(cert, now)) return { ok: false, why: 'CA certificate has expired' };
  return parsed;
}

type LeafVerdict = 'ok' | 'renew' | 'unusable';

function checkLeaf(
  data: CertificateData,
  leaf: LeafName,
  ca: X509Certificate,
  names: CertificateNames,
  now: number,
): { readonly verdict: LeafVerdict; readonly why?: string } {
  const keys = LEAF_KEYS[leaf];
  const parsed = parseCertificate(data[keys.cert], `${leaf} certificate`);
  if (!parsed.ok) return { verdict: 'unusable', why: parsed.why };
  const { cert } = parsed;
  const keyProblem = keyMatches(cert, data[keys.key], `${leaf} certificate`);
  if (keyProblem !== undefined) return { verdict: 'unusable', why: keyProblem };
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey))
    return { verdict: 'unusable', why: `${leaf} certificate is not signed by the current CA` };
  if (isExpired(cert, now)) return { verdict: 'unusable', why: `${leaf} certificate has expired` };
  if (!sameNames(cert, names))
    return {
      verdict: 'renew',
      why: `${leaf} certificate names ${dnsNamesOf(cert).join(',')}, not ${[...names.dnsNames].sort().join(',')}`,
    };
  if (lifeUsed(cert, now) >= CERTIFICATE_POLICY.leafRenewAt)
    return { verdict: 'renew', why: `${leaf} certificate is due for renewal` };
  return { verdict: 'ok' };
}

/** The previous CA is kept while it is readable and unexpired. */
function previousCaExpired(
  data: CertificateData,
  now: number,
): { readonly drop: boolean; readonly why?: string } {
  const pem = data[DATA_KEY.previousCaCert];
  if (pem === undefined || pem === '') return { drop: false };
  const parsed = parseCertificate(pem, 'previous CA certificate');
  if (!parsed.ok) return { drop: true, why: parsed.why };
  if (isExpired(parsed.cert, now)) return { drop: true, why: 'previous CA certificate has expired' };
  return { drop: false };
}

export function planCertificates(
  now: number,
  data: CertificateData,
  names: CertificateNames,
): CertificatePlan {
  const ca = checkCa(data, now);
  if (!ca.ok)
    return {
      kind: 'write',
      ca: 'create',
      dropPrevious: true,
      leaves: LEAVES,
      reasons: [ca.why],
      urgent: true,
    };
  if (lifeUsed(ca.cert, now) >= CERTIFICATE_POLICY.caRotateAt) {
    // The new CA signs new serving certificates at once; the current one stays in the bundle.
    const leavesUsable = LEAVES.every(
      (leaf) => checkLeaf(data, leaf, ca.cert, names, now).verdict !== 'unusable',
    );
    return {
      kind: 'write',
      ca: 'rotate',
      dropPrevious: false,
      leaves: LEAVES,
      reasons: ['CA certificate is due for rotation'],
      urgent: !leavesUsable,
    };
  }
  const reasons: string[] = [];
  const leaves: LeafName[] = [];
  let urgent = false;
  const previous = previousCaExpired(data, now);
  if (previous.drop) reasons.push(previous.why ?? 'previous CA certificate dropped');
  for (const leaf of LEAVES) {
    const check = checkLeaf(data, leaf, ca.cert, names, now);
    // Without the previous CA, a chain that still carries the cross-signed CA is re-issued too.
    if (check.verdict === 'ok' && !previous.drop) continue;
    leaves.push(leaf);
    if (check.why !== undefined) reasons.push(check.why);
    if (check.verdict === 'unusable') urgent = true;
  }
  if (leaves.length === 0 && !previous.drop && data[DATA_KEY.caBundle] === caBundleOf(data))
    return { kind: 'keep' };
  if (leaves.length === 0 && !previous.drop) reasons.push('CA bundle is out of date');
  return { kind: 'write', ca: 'keep', dropPrevious: previous.drop, leaves, reasons, urgent };
}

/** The bundle the data should carry: the current CA, then the previous one if kept. */
export function caBundleOf(data: CertificateData): string {
  const current = data[DATA_KEY.caCert] ?? '';
  const previous = data[DATA_KEY.previousCaCert] ?? '';
  return [current, previous]
    .map((pem) => pem.trim())
    .filter((pem) => pem !== '')
    .map((pem) => `${pem}\n`)
    .join('');
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
