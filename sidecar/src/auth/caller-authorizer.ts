// The sidecar's `authorize` hook for --auth=required: a caller may read a flag namespace when it
// belongs to that Kubernetes namespace, or the namespace's FlagNamespace `access` (carried in the
// rule set) admits its namespace or its exact service account. A namespace without a rule set here
// admits only itself, so probing unknown namespaces reveals nothing.
import { accessAdmits } from '@ensign/core/auth/access-admits.ts';
import type { ApiError } from '../api/api-error.ts';
import type { Authorize, Principal } from '../api/auth-hooks.ts';
import type { RuleSetLookup } from '../store/lookup.ts';
import type { AuthMetrics } from './auth-metrics.ts';

export interface CallerAuthorizerDeps {
  readonly lookup: Pick<RuleSetLookup, 'get'>;
  readonly metrics: AuthMetrics;
}

function describeCaller(principal: Principal): string {
  if (principal.namespace === undefined) return `caller "${principal.subject}"`;
  return principal.serviceAccount === undefined
    ? `caller from namespace "${principal.namespace}"`
    : `service account ${principal.namespace}/${principal.serviceAccount}`;
}

export function createCallerAuthorizer(deps: CallerAuthorizerDeps): Authorize {
  return (principal, namespace) => {
    if (principal.namespace !== undefined) {
      const access = deps.lookup.get(namespace)?.ruleSet.access;
      const caller = { namespace: principal.namespace, serviceAccount: principal.serviceAccount };
      if (accessAdmits(namespace, access, caller)) return undefined;
    }
    deps.metrics.record(principal.method ?? 'none', 'denied');
    const error: ApiError = {
      kind: 'PERMISSION_DENIED',
      message:
        principal.namespace === undefined
          ? `${describeCaller(principal)} has no Kubernetes namespace and may not read flag namespace "${namespace}"`
          : `${describeCaller(principal)} may not read flag namespace "${namespace}"; its FlagNamespace spec.access must admit the namespace or service account`,
    };
    return error;
  };
}
