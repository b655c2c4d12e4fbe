// From a request's namespace key to the rule set that answers it. Authorisation comes first, so a
// caller cannot learn which namespaces exist by probing ones it may not read.
import type { ServedNamespace } from '../store/lookup.ts';
import { fail, ok } from './api-error.ts';
import type { ApiError, ApiResult } from './api-error.ts';
import type { Principal } from './auth-hooks.ts';
import type { EvaluationApiDeps } from './evaluation-api-deps.ts';

export type NamespaceDeps = Pick<EvaluationApiDeps, 'lookup' | 'readiness' | 'authorize'>;

/** An empty key means the sidecar's default namespace (the pod's own), as `""` means `default` in Flipt. */
export function namespaceName(deps: Pick<NamespaceDeps, 'lookup'>, namespaceKey: string): string {
  return namespaceKey === '' ? deps.lookup.defaultNamespace : namespaceKey;
}

/**
 * The served namespace, or: the authorisation error; UNAVAILABLE while the sidecar is still waiting
 * for its rule sets (the namespace may yet arrive); otherwise `missing(namespace)`.
 */
export function resolveNamespace(
  deps: NamespaceDeps,
  principal: Principal,
  namespace: string,
  missing: (namespace: string) => ApiError,
): ApiResult<ServedNamespace> {
  const denied = deps.authorize(principal, namespace);
  if (denied) return { ok: false, error: denied };
  const served = deps.lookup.get(namespace);
  if (served) return ok(served);
  if (deps.readiness.notReadyReason() !== undefined)
    return fail('UNAVAILABLE', `namespace "${namespace}" has no rule set yet`);
  return { ok: false, error: missing(namespace) };
}
