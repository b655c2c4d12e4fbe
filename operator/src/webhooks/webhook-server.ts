// The HTTPS server the API server calls for admission reviews: POST /inject with a JSON
// AdmissionReview, answered by the pure reviewPod. The certificate is swapped in place
// (setSecureContext) whenever the ServingTls changes, so rotation needs no restart.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ReviewOutcome } from './review-pod.ts';
import type { ServingTls } from '../certificates/operator-certificates.ts';
import { INJECT_PATH } from './webhook-configuration.ts';
import type { WebhookMetrics, WebhookResult } from './webhook-metrics.ts';

export interface WebhookLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface WebhookServerOptions {
  readonly tls: ServingTls;
  /** Decides one review with the current context (CA bundle, config). */
  readonly review: (body: unknown) => ReviewOutcome;
  readonly metrics: WebhookMetrics;
  readonly logger: WebhookLogger;
  /** Monotonic milliseconds. */
  readonly now: () => number;
  /** Largest request body accepted; an AdmissionReview carries one pod. Default 4 MiB. */
  readonly maxBodyBytes?: number;
}

export interface WebhookServer {
  readonly server: Server;
  /** Stops following certificate changes. */
  close(): void;
}

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export function createWebhookServer(options: WebhookServerOptions): WebhookServer {
  const maxBody = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const server = createServer({ ...options.tls.current(), minVersion: 'TLSv1.2' }, (req, res) => {
    const started = options.now();
    handle(req, options, maxBody)
      .then(({ status, body, result }) => {
        send(res, status, body);
        options.metrics.requests.inc({ result });
        options.metrics.durationSeconds.observe((options.now() - started) / 1000);
      })
      .catch((error: unknown) => {
        const status = error instanceof HttpError ? error.status : 500;
        const message = error instanceof Error ? error.message : String(error);
        options.logger.warn({ status, err: message, path: req.url }, 'webhook request refused');
        send(res, status, { error: message });
        options.metrics.requests.inc({ result: 'error' });
        options.metrics.durationSeconds.observe((options.now() - started) / 1000);
      });
  });
  // Connections hang on a slow client otherwise; the API server gives up after timeoutSeconds.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  const unsubscribe = options.tls.onChange(() => {
    server.setSecureContext({ ...options.tls.current(), minVersion: 'TLSv1.2' });
  });
  return { server, close: unsubscribe };
}

async function handle(
  req: IncomingMessage,
  options: WebhookServerOptions,
  maxBody: number,
): Promise<{ status: number; body: unknown; result: WebhookResult }> {
  const path = (req.url ?? '/').split('?')[0];
  if (path !== INJECT_PATH)
    throw new HttpError(404, `no webhook at ${path ?? ''}; the injection webhook is ${INJECT_PATH}`);
  if (req.method !== 'POST') throw new HttpError(405, 'admission reviews are POSTed');
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim();
  if (type !== 'application/json') throw new HttpError(415, 'an AdmissionReview is sent as application/json');
  let body: unknown;
  try {
    body = JSON.parse((await readBody(req, maxBody)).toString('utf8'));
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(400, 'the request body is not JSON');
  }
  const outcome = options.review(body);
  if (!outcome.ok) throw new HttpError(400, outcome.error);
  const fields = {
    namespace: outcome.namespace,
    pod: outcome.pod,
    result: outcome.result,
    detail: outcome.detail,
  };
  if (outcome.result === 'skipped') options.logger.debug(fields, 'pod not injected');
  else if (outcome.result === 'denied') options.logger.warn(fields, 'pod denied');
  else options.logger.info(fields, 'sidecar injected');
  return { status: 200, body: outcome.review, result: outcome.result };
}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > maxBytes) throw new HttpError(413, `request body larger than ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new HttpError(413, `request body larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
