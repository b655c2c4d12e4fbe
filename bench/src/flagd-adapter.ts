// flagd-core in its default mode (json-logic compiled to JS with new Function), fed a flag-definition file.
import { FlagdCore } from '@openfeature/flagd-core';
import type { Entity } from './entities.ts';
import { BATCH_FLAGS, BOOLEAN_FLAG, VARIANT_FLAG } from './entities.ts';
import { isVariantKey, type EvalEngine } from './eval-engine.ts';
import { flagdContexts, peerDocumentText, type FlagdContext } from './peer-documents.ts';

/** Load: a new FlagdCore plus setConfigurations(text). */
export function makeFlagdCore(text: string): FlagdCore {
  const core = new FlagdCore();
  core.setConfigurations(text);
  return core;
}

export function flagdEngine(nFlags: number, entities: readonly Entity[]): EvalEngine<FlagdContext> {
  const core = makeFlagdCore(peerDocumentText('flagd', nFlags));
  const variant = (key: string, c: FlagdContext): string =>
    core.resolveStringEvaluation(key, 'fallback', c).value;
  const enabled = (key: string, c: FlagdContext): boolean =>
    core.resolveBooleanEvaluation(key, false, c).value;
  return {
    contexts: flagdContexts(entities),
    ops: {
      variant: (c) => variant(VARIANT_FLAG, c),
      boolean: (c) => core.resolveBooleanEvaluation(BOOLEAN_FLAG, false, c).reason,
      singles10: (c) => {
        let x = 0;
        for (const key of BATCH_FLAGS)
          x += isVariantKey(key) ? variant(key, c).length : enabled(key, c) ? 1 : 2;
        return x;
      },
    },
    variantOf: (c) => variant(VARIANT_FLAG, c),
    booleanOf: (c) => enabled(BOOLEAN_FLAG, c),
    forcedSplitContext: (e) => ({ targetingKey: e.id, plan: 'free', age: 20, country: 'BR' }),
    close: () => undefined,
  };
}
