// Ensign's evaluation adapter: the compiled rule set reaches the engine through its wire bytes,
// as it reaches a sidecar, and calls go straight to the sidecar engine's evaluate functions.
import type { Entity } from './entities.ts';
import { BATCH_FLAGS, BOOLEAN_FLAG, VARIANT_FLAG } from './entities.ts';
import { evaluateBoolean, evaluateVariant, loadRuleSetBytes } from './ensign-engine.ts';
import { encodeRuleSet, workloadRuleSet } from './ensign-rule-set.ts';
import { isVariantKey, type EvalEngine } from './eval-engine.ts';
import { stringContexts, type StringContext } from './peer-documents.ts';

export function ensignEngine(nFlags: number, entities: readonly Entity[]): EvalEngine<StringContext> {
  const index = loadRuleSetBytes(encodeRuleSet(workloadRuleSet(nFlags)));
  const input = (flagKey: string, c: StringContext) => ({
    flagKey,
    entityId: c.entityId,
    context: c.context,
  });
  const variantKey = (flagKey: string, c: StringContext): string => {
    const outcome = evaluateVariant(index, input(flagKey, c));
    return outcome.kind === 'variant' ? outcome.variantKey : outcome.code;
  };
  const enabled = (flagKey: string, c: StringContext): boolean => {
    const outcome = evaluateBoolean(index, input(flagKey, c));
    return outcome.kind === 'boolean' && outcome.enabled;
  };
  return {
    contexts: stringContexts(entities),
    ops: {
      variant: (c) => variantKey(VARIANT_FLAG, c),
      boolean: (c) => {
        const outcome = evaluateBoolean(index, input(BOOLEAN_FLAG, c));
        return outcome.kind === 'boolean' ? outcome.reason : outcome.code;
      },
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
    close: () => undefined,
  };
}
