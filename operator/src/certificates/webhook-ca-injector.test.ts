// The caBundle injector against an in-memory webhook configuration that behaves like the API
// server's for JSON patches with a resourceVersion precondition.
import { describe, expect, it } from 'vitest';
import { ok, type KubeResult } from '../kube/kube-result.ts';
import { ManualClock } from '../runtime/manual-clock.ts';
import type { JsonPatchOperation } from './ca-bundle-patch.ts';
import { startWebhookCaInjector, type WebhookConfigurationApi } from './webhook-ca-injector.ts';

const quiet = { info: () => undefined, warn: () => undefined, debug: () => undefined };
const b64 = (text: string) => Buffer.from(text).toString('base64');

interface Webhook {
  name: string;
  clientConfig: { caBundle?: string };
}

class FakeConfiguration {
  exists = true;
  version = 1;
  webhooks: Webhook[] = [
    { name: 'a', clientConfig: {} },
    { name: 'b', clientConfig: {} },
  ];
  patches = 0;
  /** Bumps the version between a read and the next patch, once. */
  raceOnce = false;

  api(): WebhookConfigurationApi {
    return {
      name: 'ensign-inject',
      get: () =>
        Promise.resolve(
          ok(
            this.exists
              ? {
                  metadata: { name: 'ensign-inject', resourceVersion: String(this.version) },
                  webhooks: this.webhooks,
                }
              : undefined,
          ),
        ),
      patch: (operations) => Promise.resolve(this.#apply(operations)),
    };
  }

  bundles(): (string | undefined)[] {
    return this.webhooks.map((w) => w.clientConfig.caBundle);
  }

  #apply(operations: readonly JsonPatchOperation[]): KubeResult<unknown> {
    if (this.raceOnce) {
      this.raceOnce = false;
      this.version++;
    }
    const [precondition, ...rest] = operations;
    if (precondition?.value !== String(this.version))
      return { ok: false, error: { code: 409, reason: 'Conflict', message: 'modified' } };
    for (const op of rest) {
      const index = Number(op.path.split('/')[2]);
      const webhook = this.webhooks[index];
      if (webhook !== undefined && typeof op.value === 'string') webhook.clientConfig.caBundle = op.value;
    }
    this.patches++;
    this.version++;
    return ok({});
  }
}

function start(config: FakeConfiguration, leader: { value: boolean }, bundle: { value: string }) {
  const listeners = new Set<() => void>();
  const clock = new ManualClock();
  const injector = startWebhookCaInjector({
    api: config.api(),
    caBundle: () => bundle.value,
    onCaChange: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    isLeader: () => leader.value,
    clock,
    logger: quiet,
    intervalMs: 10_000,
  });
  return {
    injector,
    clock,
    caChanged: () => {
      listeners.forEach((l) => {
        l();
      });
    },
  };
}

describe('startWebhookCaInjector', () => {
  it('sets the bundle in every webhook, and repairs drift on its next poll', async () => {
    const config = new FakeConfiguration();
    const { injector, clock } = start(config, { value: true }, { value: 'CA1' });
    await clock.advance(0);
    expect(config.bundles()).toEqual([b64('CA1'), b64('CA1')]);
    expect(await injector.sync()).toBe('unchanged');
    config.webhooks[1] = { name: 'b', clientConfig: {} };
    config.version++;
    await clock.advance(10_000);
    expect(config.bundles()).toEqual([b64('CA1'), b64('CA1')]);
    expect(config.patches).toBe(2);
    injector.close();
  });

  it('writes nothing while another replica leads', async () => {
    const config = new FakeConfiguration();
    const leader = { value: false };
    const { injector } = start(config, leader, { value: 'CA1' });
    expect(await injector.sync()).toBe('not-leader');
    expect(config.patches).toBe(0);
    leader.value = true;
    expect(await injector.sync()).toBe('patched');
    injector.close();
  });

  it('pushes a new CA bundle at once when the CA changes', async () => {
    const config = new FakeConfiguration();
    const bundle = { value: 'CA1' };
    const { injector, clock, caChanged } = start(config, { value: true }, bundle);
    await clock.advance(0);
    bundle.value = 'CA2\nCA1';
    caChanged();
    await clock.advance(0);
    expect(config.bundles()).toEqual([b64('CA2\nCA1'), b64('CA2\nCA1')]);
    injector.close();
  });

  it('re-reads after a conflicting change instead of overwriting it, and waits for a missing configuration', async () => {
    const config = new FakeConfiguration();
    config.exists = false;
    const { injector, clock } = start(config, { value: true }, { value: 'CA1' });
    await clock.advance(0);
    expect(await injector.sync()).toBe('missing');
    config.exists = true;
    config.raceOnce = true;
    expect(await injector.sync()).toBe('patched');
    expect(config.bundles()).toEqual([b64('CA1'), b64('CA1')]);
    injector.close();
  });
});
