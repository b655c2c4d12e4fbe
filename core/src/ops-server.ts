// The plain-HTTP operations listener of both binaries: liveness, readiness and Prometheus metrics.
// It is separate from the APIs so kubelet probes and scrapes never queue behind evaluation traffic.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { Registry } from 'prom-client';

export interface OpsServerDeps {
  readonly registry: Registry;
  /** Undefined when ready; otherwise the reason, shown in the /readyz body. */
  readonly notReadyReason: () => string | undefined;
}

export function createOpsServer(deps: OpsServerDeps): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    } else if (path === '/readyz') {
      const reason = deps.notReadyReason();
      if (reason === undefined)
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ready"}');
      else
        res
          .writeHead(503, { 'content-type': 'application/json' })
          .end(JSON.stringify({ status: 'not ready', reason }));
    } else if (path === '/metrics') {
      deps.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': deps.registry.contentType }).end(text),
        (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error)),
      );
    } else {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"status":"not found"}');
    }
  });
}
