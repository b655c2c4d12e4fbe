// The sync server's `authorize` hook for a cluster: authenticate the sidecar by its token
// (TokenReview, audience "ensign"), then check every namespace it subscribes to against the
// access policies. Refusals name what was wrong and never contain the token.
import * as grpc from '@grpc/grpc-js';
import type { Subscribe } from '@ensign/proto/ensign/sync/v1/sync.ts';
import type { SubscriberDecision } from '../sync/sync-server.ts';
import { authenticateSidecar } from './authenticate-sidecar.ts';
import type { ReviewToken } from './authenticate-sidecar.ts';
import { refusedNamespaces } from './watch-access.ts';
import type { AccessOf } from './watch-access.ts';

export interface SyncAuthorizerDeps {
  /** Cached TokenReview (see createOperatorAuth). */
  readonly reviewToken: ReviewToken;
  /** FlagNamespace access of a namespace, from the informer cache or the local directory source. */
  readonly accessOf: AccessOf;
}

export type SyncAuthorize = (metadata: grpc.Metadata, subscribe: Subscribe) => Promise<SubscriberDecision>;

export function createSyncAuthorizer(deps: SyncAuthorizerDeps): SyncAuthorize {
  return async (metadata, subscribe) => {
    const auth = await authenticateSidecar(metadata, deps.reviewToken);
    if (!auth.ok) return auth;
    const { namespace, name, username } = auth.identity;
    const refused = refusedNamespaces(auth.identity, subscribe.namespaces, deps.accessOf);
    if (refused.length > 0)
      return {
        ok: false,
        code: grpc.status.PERMISSION_DENIED,
        message: `service account ${namespace}/${name} may not watch namespace${refused.length === 1 ? '' : 's'} ${refused.map((ns) => `"${ns}"`).join(', ')}: a sidecar may watch its own namespace and those whose FlagNamespace spec.access admits its namespace or service account`,
      };
    return { ok: true, identity: username };
  };
}
