// The certificate planner over real certificates issued at chosen times: the clock is a number the
// test sets, so ten years pass in a line.
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildCertificateData } from './build-certificate-data.ts';
import {
  CERTIFICATE_POLICY,
  DATA_KEY,
  pemCertificates,
  serviceDnsNames,
  type CertificateData,
} from './certificate-data.ts';
import { caBundleOf, dnsNamesOf, planCertificates, type CertificatePlan } from './plan-certificates.ts';

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const names = { dnsNames: serviceDnsNames('ensign-operator', 'ensign-system') };

async function fresh(now = T0): Promise<Record<string, string>> {
  const plan = planCertificates(now, {}, names);
  if (plan.kind !== 'write') throw new Error('an empty Secret must be written');
  return buildCertificateData(plan, {}, names, now);
}

async function carryOut(
  plan: CertificatePlan,
  data: CertificateData,
  now: number,
): Promise<Record<string, string>> {
  if (plan.kind !== 'write') throw new Error(`expected a write, got ${plan.kind}`);
  return buildCertificateData(plan, data, names, now);
}

function cert(pem: string | undefined): X509Certificate {
  return new X509Certificate(pem ?? '');
}

describe('planCertificates', () => {
  it('creates a CA and both serving certificates for an empty Secret, urgently', () => {
    expect(planCertificates(T0, {}, names)).toEqual({
      kind: 'write',
      ca: 'create',
      dropPrevious: true,
      leaves: ['webhook', 'sync'],
      reasons: ['CA certificate is missing'],
      urgent: true,
    });
  });

  it('issues a ten-year CA and one-year serving certificates for the service names', async () => {
    const data = await fresh();
    const ca = cert(data[DATA_KEY.caCert]);
    const webhook = cert(data[DATA_KEY.webhookCert]);
    expect(ca.ca).toBe(true);
    expect(Math.round((ca.validToDate.getTime() - T0) / DAY)).toBe(3650);
    expect(Math.round((webhook.validToDate.getTime() - T0) / DAY)).toBe(365);
    expect(dnsNamesOf(webhook)).toEqual([...names.dnsNames].sort());
    expect(webhook.checkIssued(ca) && webhook.verify(ca.publicKey)).toBe(true);
    expect(cert(data[DATA_KEY.syncCert]).verify(ca.publicKey)).toBe(true);
    expect(data[DATA_KEY.caBundle]).toBe(data[DATA_KEY.caCert]);
    expect(webhook.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('keeps valid certificates', async () => {
    const data = await fresh();
    expect(planCertificates(T0 + 30 * DAY, data, names)).toEqual({ kind: 'keep' });
    expect(planCertificates(T0 + 240 * DAY, data, names)).toEqual({ kind: 'keep' });
  });

  it('renews the serving certificates at two thirds of their life, as a leader-only renewal', async () => {
    const data = await fresh();
    const due = T0 + Math.ceil(365 * CERTIFICATE_POLICY.leafRenewAt) * DAY;
    const plan = planCertificates(due, data, names);
    expect(plan).toMatchObject({ kind: 'write', ca: 'keep', leaves: ['webhook', 'sync'], urgent: false });
    const renewed = await carryOut(plan, data, due);
    expect(renewed[DATA_KEY.caCert]).toBe(data[DATA_KEY.caCert]);
    expect(renewed[DATA_KEY.webhookCert]).not.toBe(data[DATA_KEY.webhookCert]);
    expect(planCertificates(due, renewed, names)).toEqual({ kind: 'keep' });
  });

  it('calls an expired serving certificate urgent', async () => {
    const data = await fresh();
    expect(planCertificates(T0 + 400 * DAY, data, names)).toMatchObject({
      kind: 'write',
      ca: 'keep',
      urgent: true,
      reasons: ['webhook certificate has expired', 'sync certificate has expired'],
    });
  });

  it('rotates the CA at 80% of its life and keeps the old CA trusted until it expires', async () => {
    const data = await fresh();
    const rotation = T0 + Math.ceil(3650 * CERTIFICATE_POLICY.caRotateAt) * DAY;
    let current: CertificateData = data;
    // Leaves are renewed on the way, as the operator would.
    for (let t = T0 + 300 * DAY; t < rotation; t += 300 * DAY) {
      const plan = planCertificates(t, current, names);
      if (plan.kind === 'write') current = await carryOut(plan, current, t);
    }
    expect(current[DATA_KEY.caCert]).toBe(data[DATA_KEY.caCert]);
    const plan = planCertificates(rotation, current, names);
    expect(plan).toMatchObject({ kind: 'write', ca: 'rotate', leaves: ['webhook', 'sync'], urgent: false });
    const rotated = await carryOut(plan, current, rotation);
    const oldCa = cert(data[DATA_KEY.caCert]);
    const newCa = cert(rotated[DATA_KEY.caCert]);
    expect(newCa.subject).not.toBe(oldCa.subject);
    expect(rotated[DATA_KEY.previousCaCert]).toBe(data[DATA_KEY.caCert]);
    expect(pemCertificates(rotated[DATA_KEY.caBundle] ?? '')).toEqual([
      ...pemCertificates(rotated[DATA_KEY.caCert] ?? ''),
      ...pemCertificates(data[DATA_KEY.caCert] ?? ''),
    ]);
    // The served chain is leaf + new CA signed by the old CA: both trust stores verify it.
    const [leafPem, crossPem] = pemCertificates(rotated[DATA_KEY.syncCert] ?? '');
    const leaf = cert(leafPem);
    expect(leaf.verify(newCa.publicKey)).toBe(true);
    expect(cert(crossPem).verify(oldCa.publicKey)).toBe(true);
    expect(cert(crossPem).subject).toBe(newCa.subject);
    expect(planCertificates(rotation + DAY, rotated, names)).toEqual({ kind: 'keep' });

    const oldExpired = oldCa.validToDate.getTime() + DAY;
    let renewing: CertificateData = rotated;
    for (let t = rotation + 100 * DAY; t < oldExpired; t += 100 * DAY) {
      const renewal = planCertificates(t, renewing, names);
      if (renewal.kind === 'keep') continue;
      expect(renewal).toMatchObject({ ca: 'keep', dropPrevious: false, urgent: false });
      renewing = await carryOut(renewal, renewing, t);
    }
    expect(renewing[DATA_KEY.previousCaCert]).toBe(data[DATA_KEY.caCert]);
    const drop = planCertificates(oldExpired, renewing, names);
    expect(drop).toMatchObject({ kind: 'write', ca: 'keep', dropPrevious: true, urgent: false });
    const dropped = await carryOut(drop, renewing, oldExpired);
    expect(dropped[DATA_KEY.previousCaCert]).toBeUndefined();
    expect(dropped[DATA_KEY.caBundle]).toBe(dropped[DATA_KEY.caCert]);
    expect(pemCertificates(dropped[DATA_KEY.webhookCert] ?? '')).toHaveLength(1);
  });

  it('re-issues everything, urgently and saying why, when the Secret holds garbage', async () => {
    const data = { ...(await fresh()), [DATA_KEY.caCert]: 'not a certificate' };
    const plan = planCertificates(T0 + DAY, data, names);
    expect(plan).toMatchObject({ kind: 'write', ca: 'create', urgent: true });
    expect(plan.kind === 'write' ? plan.reasons.join() : '').toMatch(/CA certificate does not parse/);
    const repaired = await carryOut(plan, data, T0 + DAY);
    expect(planCertificates(T0 + DAY, repaired, names)).toEqual({ kind: 'keep' });
  });

  it('re-issues a serving certificate whose key belongs to another certificate', async () => {
    const data = await fresh();
    const swapped = { ...data, [DATA_KEY.webhookKey]: data[DATA_KEY.syncKey] ?? '' };
    expect(planCertificates(T0 + DAY, swapped, names)).toMatchObject({
      kind: 'write',
      ca: 'keep',
      leaves: ['webhook'],
      reasons: ['webhook certificate key does not match its certificate'],
      urgent: true,
    });
  });

  it('re-issues serving certificates signed by a CA that is no longer the current one', async () => {
    const [a, b] = await Promise.all([fresh(), fresh()]);
    const mixed = {
      ...a,
      [DATA_KEY.syncCert]: b[DATA_KEY.syncCert] ?? '',
      [DATA_KEY.syncKey]: b[DATA_KEY.syncKey] ?? '',
    };
    expect(planCertificates(T0 + DAY, mixed, names)).toMatchObject({ leaves: ['sync'], urgent: true });
  });

  it('re-issues serving certificates for other DNS names as a renewal, not urgently', async () => {
    const data = await fresh();
    const renamed = { dnsNames: serviceDnsNames('flags', 'platform') };
    const plan = planCertificates(T0 + DAY, data, renamed);
    expect(plan).toMatchObject({ kind: 'write', ca: 'keep', leaves: ['webhook', 'sync'], urgent: false });
    if (plan.kind !== 'write') return;
    const reissued = await buildCertificateData(plan, data, renamed, T0 + DAY);
    expect(dnsNamesOf(cert(reissued[DATA_KEY.webhookCert]))).toContain('flags.platform.svc');
    expect(planCertificates(T0 + DAY, reissued, renamed)).toEqual({ kind: 'keep' });
  });

  it('rewrites a CA bundle that does not match the CAs', async () => {
    const data = { ...(await fresh()), [DATA_KEY.caBundle]: '' };
    const plan = planCertificates(T0 + DAY, data, names);
    expect(plan).toMatchObject({
      kind: 'write',
      ca: 'keep',
      leaves: [],
      reasons: ['CA bundle is out of date'],
    });
    expect((await carryOut(plan, data, T0 + DAY))[DATA_KEY.caBundle]).toBe(caBundleOf(data));
  });
});
