// unleash-client with bootstrap data and no server. Metrics are counted in-process as in
// production (metricsInterval 0: never sent).
import { once } from 'node:events';
import { InMemStorageProvider, Unleash, type ClientFeaturesResponse } from 'unleash-client';
import type { Entity } from './entities.ts';
import { BATCH_FLAGS, BOOLEAN_FLAG, VARIANT_FLAG } from './entities.ts';
import { isVariantKey, type EvalEngine } from './eval-engine.ts';
import { peerDocumentText, unleashContexts, type UnleashContext } from './peer-documents.ts';

/** The features response parsed from text (trusted benchmark input; Unleash itself does not validate it). */
export function parseUnleashDocument(text: string): ClientFeaturesResponse {
  return JSON.parse(text) as ClientFeaturesResponse;
}

/** Load: new Unleash({bootstrap}) until 'synchronized'. */
export async function makeUnleash(document: ClientFeaturesResponse): Promise<Unleash> {
  const unleash = new Unleash({
    appName: 'ensign-bench',
    url: 'http://127.0.0.1:9/api/', // never contacted: refreshInterval 0 disables polling
    refreshInterval: 0,
    metricsInterval: 0,
    storageProvider: new InMemStorageProvider(),
    bootstrap: { data: document.features, segments: document.segments ?? [] },
    skipInstanceCountWarning: true,
  });
  unleash.on('error', (error: unknown) => {
    throw error instanceof Error ? error : new Error(String(error));
  });
  await once(unleash, 'synchronized');
  return unleash;
}

export async function unleashEngine(
  nFlags: number,
  entities: readonly Entity[],
): Promise<EvalEngine<UnleashContext>> {
  const unleash = await makeUnleash(parseUnleashDocument(peerDocumentText('unleash', nFlags)));
  const variant = (key: string, c: UnleashContext): string => unleash.getVariant(key, c).name;
  const enabled = (key: string, c: UnleashContext): boolean => unleash.isEnabled(key, c);
  return {
    contexts: unleashContexts(entities),
    ops: {
      variant: (c) => variant(VARIANT_FLAG, c),
      boolean: (c) => (enabled(BOOLEAN_FLAG, c) ? 'y' : 'n'),
      singles10: (c) => {
        let x = 0;
        for (const key of BATCH_FLAGS)
          x += isVariantKey(key) ? variant(key, c).length : enabled(key, c) ? 1 : 2;
        return x;
      },
    },
    variantOf: (c) => variant(VARIANT_FLAG, c),
    booleanOf: (c) => enabled(BOOLEAN_FLAG, c),
    forcedSplitContext: (e) => ({ userId: e.id, properties: { plan: 'free', age: '20', country: 'BR' } }),
    close: () => {
      unleash.destroy();
    },
  };
}
