// GET /internal/v1/evaluation/snapshot/namespace/{ns}: the whole namespace for Flipt's client-side
// SDKs, shaped for the client version they announce, with Flipt's ETag and If-None-Match → 304.
import type { Principal } from '../auth-hooks.ts';
import { elapsedMillis } from '../clock.ts';
import type { EvaluationApiDeps } from '../evaluation-api-deps.ts';
import { namespaceName, resolveNamespace } from '../resolve-namespace.ts';
import { snapshotLevel } from './accept-server-version.ts';
import type { Endpoint } from './endpoint.ts';
import { sendFliptError } from './flipt-rest-endpoints.ts';
import { headerValue, sendBytes, sendNotModified } from './responses.ts';
import type { SnapshotCache } from './snapshot-cache.ts';

export const ACCEPT_SERVER_VERSION_HEADER = 'x-flipt-accept-server-version';

/** Flipt compares If-None-Match with its unquoted ETag as is; a quoted copy of it is accepted too. */
function sameEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const value = header.trim();
  return value === etag || value === `"${etag}"`;
}

export function snapshotEndpoint(deps: EvaluationApiDeps, cache: SnapshotCache): Endpoint {
  return {
    api: 'snapshot',
    method: 'GET',
    fail: sendFliptError,
    handle(req, res, principal: Principal, namespaceKey) {
      const start = deps.clock.hrtime();
      const namespace = namespaceName(deps, namespaceKey);
      const served = resolveNamespace(deps, principal, namespace, (ns) => ({
        kind: 'NOT_FOUND',
        message: `namespace "${ns}" not found`,
      }));
      if (!served.ok) {
        deps.metrics.failed('snapshot', served.error.kind);
        sendFliptError(req, res, served.error);
        return;
      }
      let snapshot;
      try {
        snapshot = cache.get(served.value, snapshotLevel(headerValue(req, ACCEPT_SERVER_VERSION_HEADER)));
      } catch (error) {
        deps.logger.error({ err: error, namespace }, 'snapshot rendering failed');
        deps.metrics.failed('snapshot', 'INTERNAL');
        sendFliptError(req, res, { kind: 'INTERNAL', message: 'internal error rendering snapshot' });
        return;
      }
      if (sameEtag(headerValue(req, 'if-none-match'), snapshot.etag))
        sendNotModified(res, { Etag: snapshot.etag });
      else sendBytes(res, 200, snapshot.body, { Etag: snapshot.etag });
      deps.metrics.observeDuration('snapshot', elapsedMillis(start, deps.clock.hrtime()) / 1000);
    },
  };
}
