// The sidecar's HTTP listener (node:http, no framework): Flipt REST evaluation, OFREP and the
// client snapshot. Every request is routed, checked for its method, passed through the
// authenticate hook, and only then handed to its endpoint.
import { createServer } from 'node:http';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { ApiError } from '../api-error.ts';
import type { AuthRequest, AuthResult } from '../auth-hooks.ts';
import type { EvaluationApiDeps } from '../evaluation-api-deps.ts';
import type { Endpoint } from './endpoint.ts';
import { fliptRestEndpoints, sendFliptError } from './flipt-rest-endpoints.ts';
import { ofrepEndpoints } from './ofrep-endpoints.ts';
import { DEFAULT_MAX_BODY_BYTES } from './read-body.ts';
import { headerValue } from './responses.ts';
import { createSnapshotCache } from './snapshot-cache.ts';
import { snapshotEndpoint } from './snapshot-endpoint.ts';
import { tracedRequestListener } from './traced-request-listener.ts';

export interface EvaluationHttpDeps extends EvaluationApiDeps {
  /** Largest accepted request body; larger ones get 413. Default 1 MiB. */
  readonly maxBodyBytes?: number;
}

const OFREP_BULK = '/ofrep/v1/evaluate/flags';
const OFREP_FLAG_PREFIX = '/ofrep/v1/evaluate/flags/';
const SNAPSHOT_PREFIX = '/internal/v1/evaluation/snapshot/namespace/';

interface Route {
  readonly endpoint: Endpoint;
  readonly param: string;
}

type RouteResult = Route | { readonly error: ApiError } | undefined;

function authRequest(req: IncomingMessage): AuthRequest {
  return { transport: 'http', header: (name) => headerValue(req, name) };
}

export function createEvaluationHttpHandler(deps: EvaluationHttpDeps): RequestListener {
  const limit = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const fixed = new Map<string, Endpoint>(Object.entries(fliptRestEndpoints(deps, limit)));
  const ofrep = ofrepEndpoints(deps, limit);
  fixed.set(OFREP_BULK, ofrep.bulk);
  const snapshot = snapshotEndpoint(deps, createSnapshotCache());

  function withParam(endpoint: Endpoint, raw: string): RouteResult {
    if (raw === '' || raw.includes('/')) return undefined;
    try {
      return { endpoint, param: decodeURIComponent(raw) };
    } catch {
      return { error: { kind: 'INVALID_REQUEST', message: `malformed path segment "${raw}"` } };
    }
  }

  function route(path: string): RouteResult {
    const endpoint = fixed.get(path);
    if (endpoint) return { endpoint, param: '' };
    if (path.startsWith(OFREP_FLAG_PREFIX))
      return withParam(ofrep.single, path.slice(OFREP_FLAG_PREFIX.length));
    if (path.startsWith(SNAPSHOT_PREFIX)) return withParam(snapshot, path.slice(SNAPSHOT_PREFIX.length));
    return undefined;
  }

  async function serve(req: IncomingMessage, res: ServerResponse, { endpoint, param }: Route): Promise<void> {
    if (req.method !== endpoint.method) {
      res.setHeader('allow', endpoint.method);
      endpoint.fail(req, res, { kind: 'METHOD_NOT_ALLOWED', message: 'Method Not Allowed' }, param);
      return;
    }
    const pending = deps.authenticate(authRequest(req));
    const auth: AuthResult = pending instanceof Promise ? await pending : pending;
    if (!auth.ok) {
      deps.metrics.failed(endpoint.api, auth.error.kind);
      endpoint.fail(req, res, auth.error, param);
      return;
    }
    await endpoint.handle(req, res, auth.principal, param);
  }

  /** The route template a path matched, for span names (`POST /ofrep/v1/evaluate/flags/{key}`). */
  function routeTemplate(path: string): string | undefined {
    if (fixed.has(path)) return path;
    if (path.startsWith(OFREP_FLAG_PREFIX)) return `${OFREP_FLAG_PREFIX}{key}`;
    if (path.startsWith(SNAPSHOT_PREFIX)) return `${SNAPSHOT_PREFIX}{namespace}`;
    return undefined;
  }

  const listener: RequestListener = (req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    const found = route(path);
    if (found === undefined) {
      sendFliptError(req, res, { kind: 'ROUTE_NOT_FOUND', message: 'Not Found' });
      return;
    }
    if ('error' in found) {
      sendFliptError(req, res, found.error);
      return;
    }
    serve(req, res, found).catch((error: unknown) => {
      deps.logger.error({ err: error, path }, 'HTTP request failed');
      if (!res.headersSent)
        found.endpoint.fail(req, res, { kind: 'INTERNAL', message: 'internal error' }, found.param);
      else res.destroy();
    });
  };
  return deps.tracing === undefined ? listener : tracedRequestListener(deps.tracing, routeTemplate, listener);
}

export function createEvaluationHttpServer(deps: EvaluationHttpDeps): Server {
  return createServer(createEvaluationHttpHandler(deps));
}
