// The certificate manager against an in-memory Secret that behaves like the API server's
// (resourceVersion, 409 on a stale replace or a second create), with time moved by hand.
import { describe, expect, it } from 'vitest';
import { ok, type KubeResult } from '../kube/kube-result.ts';
import { ManualClock } from '../runtime/manual-clock.ts';
import { CERTIFICATE_POLICY, DATA_KEY, serviceDnsNames, type CertificateData } from './certificate-data.ts';
import type { CertificateSecretApi, StoredSecret } from './certificate-secret.ts';
import { startSelfManagedCertificates } from './self-managed-certificates.ts';

const DAY = 24 * 60 * 60 * 1000;
const names = { dnsNames: serviceDnsNames('ensign-operator', 'ensign-system') };
const quiet = { info: () => undefined, warn: () => undefined, debug: () => undefined };
const conflict = { ok: false as const, error: { code: 409, reason: 'Conflict', message: 'stale' } };

class FakeSecret {
  stored: StoredSecret | undefined;
  writes = 0;
  #version = 0;

  api(): CertificateSecretApi {
    return {
      description: 'ensign-system/certs',
      read: () => Promise.resolve(ok(this.stored)),
      create: (data) => Promise.resolve(this.stored === undefined ? this.#put(data) : conflict),
      replace: (previous, data) =>
        Promise.resolve(
          previous.resourceVersion === this.stored?.resourceVersion ? this.#put(data) : conflict,
        ),
    };
  }

  corrupt(key: string): void {
    if (this.stored === undefined) throw new Error('no Secret');
    this.#put({ ...this.stored.data, [key]: 'garbage' });
    this.writes--;
  }

  #put(data: CertificateData): KubeResult<StoredSecret> {
    this.writes++;
    this.stored = { resourceVersion: String(++this.#version), data, object: { metadata: {} } };
    return ok(this.stored);
  }
}

function start(
  secret: FakeSecret,
  clock: ManualClock,
  leader: { value: boolean },
  intervalMs = 60_000,
  logger: {
    info: () => undefined;
    debug: () => undefined;
    warn: (obj: object, msg: string) => undefined;
  } = quiet,
) {
  return startSelfManagedCertificates({
    api: secret.api(),
    names,
    isLeader: () => leader.value,
    clock,
    random: () => 0.5,
    logger,
    intervalMs,
  });
}

describe('startSelfManagedCertificates', () => {
  it('creates the Secret once when two replicas start together, and both serve its certificates', async () => {
    const secret = new FakeSecret();
    const clock = new ManualClock(Date.now());
    const [a, b] = await Promise.all([
      start(secret, clock, { value: false }),
      start(secret, clock, { value: false }),
    ]);
    expect(secret.writes).toBe(1);
    expect(a.caBundle()).toBe(secret.stored?.data[DATA_KEY.caBundle]);
    expect(b.caBundle()).toBe(a.caBundle());
    expect(b.sync.current()).toEqual(a.sync.current());
    expect(a.webhook.current().cert).toBe(secret.stored?.data[DATA_KEY.webhookCert]);
    expect(Object.keys(a.expiries()).sort()).toEqual(['ca', 'sync', 'webhook']);
    a.close();
    b.close();
  });

  it('leaves renewals to the leader; the follower picks up the renewed certificates on its next read', async () => {
    const secret = new FakeSecret();
    const clock = new ManualClock(Date.now());
    const leader = { value: false };
    // Passes are run by hand here: no periodic pass falls inside the jump of eight months.
    const follower = await start(secret, clock, { value: false }, 3650 * DAY);
    const writer = await start(secret, clock, leader, 3650 * DAY);
    const first = follower.sync.current();
    let changes = 0;
    follower.sync.onChange(() => changes++);
    await clock.advance(Math.ceil(365 * CERTIFICATE_POLICY.leafRenewAt) * DAY);
    expect(await follower.recheck()).toBe('waiting');
    expect(await writer.recheck()).toBe('waiting');
    expect(secret.writes).toBe(1);
    leader.value = true;
    expect(await writer.recheck()).toBe('written');
    expect(secret.writes).toBe(2);
    await follower.recheck(); // waits for that pass if it is still issuing
    expect(await follower.recheck()).toBe('kept');
    expect(follower.sync.current()).not.toEqual(first);
    expect(follower.sync.current()).toEqual(writer.sync.current());
    expect(changes).toBe(1);
    follower.close();
    writer.close();
  });

  it('lets any replica repair a Secret that cannot serve, and tells CA listeners', async () => {
    const secret = new FakeSecret();
    const clock = new ManualClock(Date.now());
    const warnings: { obj: object; msg: string }[] = [];
    const logger = { ...quiet, warn: (obj: object, msg: string) => void warnings.push({ obj, msg }) };
    const follower = await start(secret, clock, { value: false }, 60_000, logger);
    const before = follower.caBundle();
    let caChanges = 0;
    follower.onCaChange(() => caChanges++);
    secret.corrupt(DATA_KEY.caCert);
    await clock.advance(60_000); // the periodic pass repairs it
    await follower.recheck(); // waits for that pass if it is still issuing
    expect(await follower.recheck()).toBe('kept');
    expect(secret.writes).toBe(2);
    expect(follower.caBundle()).not.toBe(before);
    expect(follower.caBundle()).toBe(secret.stored?.data[DATA_KEY.caBundle]);
    expect(caChanges).toBe(1);
    expect(warnings).toEqual([
      {
        msg: 'certificate Secret cannot serve as it is; re-issuing',
        obj: expect.objectContaining({
          ca: 'create',
          reasons: [expect.stringMatching(/^CA certificate does not parse/) as string],
        }) as object,
      },
    ]);
    follower.close();
  });

  it('keeps retrying with backoff until the Secret can be read', async () => {
    const secret = new FakeSecret();
    const clock = new ManualClock(Date.now());
    let failures = 2;
    const api = secret.api();
    const flaky: CertificateSecretApi = {
      ...api,
      read: () =>
        failures-- > 0
          ? Promise.resolve({ ok: false, error: { code: 403, reason: 'Forbidden', message: 'no' } })
          : api.read(),
    };
    let done = false;
    const started = startSelfManagedCertificates({
      api: flaky,
      names,
      isLeader: () => false,
      clock,
      random: () => 0.5,
      logger: quiet,
    }).then((c) => {
      done = true;
      return c;
    });
    await clock.advance(100);
    expect(done).toBe(false);
    await clock.advance(5_000);
    const certificates = await started;
    expect(done).toBe(true);
    expect(secret.writes).toBe(1);
    certificates.close();
  });
});
