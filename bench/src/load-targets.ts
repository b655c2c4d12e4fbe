// What "load" means per engine (reference/peer-benchmarks/README.md, "Method"), each engine's
// module imported on demand so a load process holds only the engine it measures:
//   ensign   the sidecar store's apply(bytes): the index built from the wire bytes, which it keeps
//   flagd    new FlagdCore() + setConfigurations(text)
//   flipt    refresh() through the custom fetcher: JSON.parse + the WASM engine's snapshot build
//   unleash  JSON.parse + new Unleash({bootstrap}) until 'synchronized'
import { readFileSync } from 'node:fs';
import { VARIANT_FLAG } from './entities.ts';
import { dataFile } from './data-files.ts';
import type { EngineName } from './eval-engine.ts';
import type { LoadTarget } from './measure-load.ts';

export interface LoadVisitor<R> {
  visit<I, H>(target: LoadTarget<I, H>): Promise<R>;
}

const PRO_ADULT = { plan: 'pro', age: '40' };

function textTarget<H>(
  path: URL,
  parts: Pick<LoadTarget<string, H>, 'load' | 'check' | 'replace' | 'dispose'>,
): LoadTarget<string, H> {
  return {
    read: () => readFileSync(path, 'utf8'),
    // Trailing whitespace: the same document, but a different text (and ETag).
    distinct: (text, rep) => text + ' '.repeat(rep),
    size: (text) => Buffer.byteLength(text),
    ...parts,
  };
}

export async function withLoadTarget<R>(engine: EngineName, n: number, visitor: LoadVisitor<R>): Promise<R> {
  switch (engine) {
    case 'ensign': {
      const { evaluateVariant, serveRuleSetBytes } = await import('./ensign-engine.ts');
      return visitor.visit({
        read: () => new Uint8Array(readFileSync(dataFile('ensign', n))),
        // Each load builds from its own copy and nothing caches by content across loads.
        distinct: (bytes) => bytes.slice(),
        size: (bytes) => bytes.byteLength,
        load: (bytes) => Promise.resolve(serveRuleSetBytes(bytes)),
        check: ({ index }) => {
          const outcome = evaluateVariant(index, {
            flagKey: VARIANT_FLAG,
            entityId: 'user-1',
            context: PRO_ADULT,
          });
          return `${index.size} flags, ${VARIANT_FLAG}=${outcome.kind === 'variant' ? outcome.variantKey : outcome.code}`;
        },
        replace: (_live, next) => next,
        dispose: () => undefined,
      });
    }
    case 'flagd': {
      const { makeFlagdCore } = await import('./flagd-adapter.ts');
      return visitor.visit(
        textTarget(dataFile('flagd', n), {
          load: (text) => Promise.resolve(makeFlagdCore(text)),
          check: (core) =>
            `${core.getFlags().size} flags, ${VARIANT_FLAG}=${core.resolveStringEvaluation(VARIANT_FLAG, 'x', { targetingKey: 'user-1', plan: 'pro', age: 40 }).value}`,
          replace: (_live, next) => next,
          dispose: () => undefined,
        }),
      );
    }
    case 'flipt': {
      const { makeFliptLoader } = await import('./flipt-adapter.ts');
      // One client whose state each load replaces, as a polling client does.
      const loader = await makeFliptLoader(JSON.stringify({ namespace: { key: 'default' }, flags: [] }));
      return visitor.visit(
        textTarget(dataFile('flipt', n), {
          load: async (text) => {
            await loader.load(text);
            return loader;
          },
          check: (l) =>
            `${l.client.listFlags().length} flags, ${VARIANT_FLAG}=${l.client.evaluateVariant({ flagKey: VARIANT_FLAG, entityId: 'user-1', context: PRO_ADULT }).variantKey}`,
          replace: (live) => live,
          dispose: (l) => {
            l.close();
          },
        }),
      );
    }
    case 'unleash': {
      const { makeUnleash, parseUnleashDocument } = await import('./unleash-adapter.ts');
      return visitor.visit(
        textTarget(dataFile('unleash', n), {
          load: (text) => makeUnleash(parseUnleashDocument(text)),
          check: (u) =>
            `${u.getFeatureToggleDefinitions().length} flags, ${VARIANT_FLAG}=${u.getVariant(VARIANT_FLAG, { userId: 'user-1', properties: PRO_ADULT }).name}`,
          replace: (live, next) => {
            live.destroy();
            return next;
          },
          dispose: (u) => {
            u.destroy();
          },
        }),
      );
    }
  }
}
