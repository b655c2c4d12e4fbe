// An HTTP request listener inside a SERVER span: the caller's trace context comes from the
// `traceparent` / `tracestate` / `baggage` headers, and the span ends when the response does.
import type { RequestListener } from 'node:http';
import type { EvaluationTracing } from '../tracing/evaluation-tracing.ts';
import { headerValue } from './responses.ts';

export function tracedRequestListener(
  tracing: EvaluationTracing,
  routeOf: (path: string) => string | undefined,
  listener: RequestListener,
): RequestListener {
  return (req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    const span = tracing.startHttp(req.method ?? 'GET', routeOf(path), path, (name) =>
      headerValue(req, name),
    );
    res.once('close', () => {
      span.end(res.statusCode, res.writableFinished);
    });
    span.run(() => {
      listener(req, res);
    });
  };
}
