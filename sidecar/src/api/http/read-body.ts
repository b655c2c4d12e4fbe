// Reads a request body up to a byte limit. A body over the limit is refused as soon as it is known
// to be too large (from Content-Length, or while streaming) instead of being buffered.
import type { IncomingMessage } from 'node:http';
import { fail, ok } from '../api-error.ts';
import type { ApiResult } from '../api-error.ts';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

function tooLarge(limit: number): ApiResult<Buffer> {
  return fail('PAYLOAD_TOO_LARGE', `request body is larger than ${limit} bytes`);
}

export function readBody(req: IncomingMessage, limit: number): Promise<ApiResult<Buffer>> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(tooLarge(limit));
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        resolve(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => {
      resolve(ok(Buffer.concat(chunks, size)));
    });
    req.on('error', (error) => {
      resolve(fail('INVALID_REQUEST', `could not read request body: ${error.message}`));
    });
  });
}
