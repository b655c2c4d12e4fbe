// Writing HTTP responses: JSON (compact, or indented for Flipt's application/json+pretty), cached
// bytes, and 304s. A response to a refused body closes the connection so the rest is not read.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Flipt's gateway indents its JSON when the request says `application/json+pretty`. */
export function wantsPretty(req: IncomingMessage): boolean {
  const pretty = 'application/json+pretty';
  return (
    headerValue(req, 'accept')?.includes(pretty) === true ||
    headerValue(req, 'content-type')?.includes(pretty) === true
  );
}

export function sendBytes(
  res: ServerResponse,
  status: number,
  body: Buffer | string,
  headers: OutgoingHttpHeaders = {},
): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  options: { readonly pretty?: boolean; readonly headers?: OutgoingHttpHeaders } = {},
): void {
  const body = options.pretty === true ? JSON.stringify(value, null, 2) : JSON.stringify(value);
  sendBytes(res, status, body, options.headers);
}

export function sendNotModified(res: ServerResponse, headers: OutgoingHttpHeaders): void {
  res.writeHead(304, headers);
  res.end();
}
