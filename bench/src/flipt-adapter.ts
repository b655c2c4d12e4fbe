// flipt-client-js (Flipt's Rust evaluator compiled to WASM) through its public FliptClient API. The
// state comes from the documented custom `fetcher` returning in-memory text: no HTTP anywhere.
import type { Entity } from './entities.ts';
import { initFliptClient, type FliptClient, type FliptFetchResponse } from './flipt-client.ts';
import { BATCH_FLAGS, BOOLEAN_FLAG, VARIANT_FLAG } from './entities.ts';
import { isVariantKey, type EvalEngine } from './eval-engine.ts';
import { peerDocumentText, stringContexts, type StringContext } from './peer-documents.ts';

// flipt-client-js 0.5.1's wasm-bindgen glue warns "using deprecated parameters for the
// initialization function" on every FliptClient.init(); drop only that message.
const originalWarn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  const first = args[0];
  if (typeof first === 'string' && first.startsWith('using deprecated parameters for the initialization'))
    return;
  originalWarn(...args);
};

function textResponse(body: string, etag: string): FliptFetchResponse {
  return {
    ok: true,
    status: 200,
    statusText: 'OK',
    headers: { get: (name: string) => (name.toLowerCase() === 'etag' ? etag : null) },
    json: () => Promise.resolve(JSON.parse(body) as unknown),
  };
}

export interface FliptLoader {
  readonly client: FliptClient;
  /** Replaces the state: what refresh() does after a 200 (JSON.parse + the engine's snapshot build). */
  load(text: string): Promise<void>;
  close(): void;
}

/** A FliptClient whose snapshot endpoint is an in-memory string, with a fresh ETag per fetch. */
export async function makeFliptLoader(initialText: string): Promise<FliptLoader> {
  let body = initialText;
  let generation = 0;
  const fetcher = () => Promise.resolve(textResponse(body, `"g${++generation}"`));
  const client = await initFliptClient({ namespace: 'default', fetcher });
  return {
    client,
    async load(text: string) {
      body = text;
      if (!(await client.refresh())) throw new Error('flipt refresh did not apply the new state');
    },
    close() {
      client.close?.();
    },
  };
}

export async function fliptEngine(
  nFlags: number,
  entities: readonly Entity[],
): Promise<EvalEngine<StringContext>> {
  const loader = await makeFliptLoader(peerDocumentText('flipt', nFlags));
  const client = loader.client;
  const request = (flagKey: string, c: StringContext) => ({
    flagKey,
    entityId: c.entityId,
    context: c.context,
  });
  const variantKey = (flagKey: string, c: StringContext): string =>
    client.evaluateVariant(request(flagKey, c)).variantKey;
  const enabled = (flagKey: string, c: StringContext): boolean =>
    client.evaluateBoolean(request(flagKey, c)).enabled;
  return {
    contexts: stringContexts(entities),
    ops: {
      variant: (c) => variantKey(VARIANT_FLAG, c),
      boolean: (c) => client.evaluateBoolean(request(BOOLEAN_FLAG, c)).reason,
      singles10: (c) => {
        let x = 0;
        for (const key of BATCH_FLAGS)
          x += isVariantKey(key) ? variantKey(key, c).length : enabled(key, c) ? 1 : 2;
        return x;
      },
    },
    variantOf: (c) => variantKey(VARIANT_FLAG, c),
    booleanOf: (c) => enabled(BOOLEAN_FLAG, c),
    forcedSplitContext: (e) => ({ entityId: e.id, context: { plan: 'free', age: '20', country: 'BR' } }),
    close: () => {
      loader.close();
    },
  };
}
