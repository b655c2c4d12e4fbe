// One engine call as an API result: the engine's own errors keep their kind and Flipt message, and
// anything it throws becomes INTERNAL (logged here with the namespace and flag, never the context).
import type { NamespaceIndex } from '../engine/namespace-index.ts';
import type { AnyOutcome, EvaluationError, EvaluationInput } from '../engine/outcome.ts';
import { fail, fromEngineError, ok } from './api-error.ts';
import type { ApiResult } from './api-error.ts';
import type { ApiLogger } from './evaluation-api-deps.ts';

export function evaluateSafely<T extends AnyOutcome>(
  evaluate: (index: NamespaceIndex, input: EvaluationInput) => T,
  index: NamespaceIndex,
  input: EvaluationInput,
  logger: ApiLogger,
): ApiResult<Exclude<T, EvaluationError>> {
  let outcome: T;
  try {
    outcome = evaluate(index, input);
  } catch (error) {
    logger.error({ err: error, namespace: index.namespace, flagKey: input.flagKey }, 'evaluation failed');
    return fail('INTERNAL', 'internal error evaluating flag');
  }
  if (outcome.kind === 'error') return { ok: false, error: fromEngineError(outcome) };
  return ok(outcome as Exclude<T, EvaluationError>);
}
