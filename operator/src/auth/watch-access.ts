// Which of the namespaces a sidecar subscribes to it may not watch. A sidecar runs as its pod's
// service account, so it may watch its own namespace and every namespace whose FlagNamespace
// `access` admits that namespace or that exact service account.
import type { Access } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { accessAdmits } from '@ensign/core/auth/access-admits.ts';
import type { ServiceAccountName } from './token-review.ts';

/** The access policy of a flag namespace; undefined when it has no FlagNamespace (default policy). */
export type AccessOf = (namespace: string) => Access | undefined;

export function refusedNamespaces(
  serviceAccount: ServiceAccountName,
  namespaces: readonly string[],
  accessOf: AccessOf,
): string[] {
  const caller = { namespace: serviceAccount.namespace, serviceAccount: serviceAccount.name };
  return namespaces.filter((namespace) => !accessAdmits(namespace, accessOf(namespace), caller));
}
