// One GET against the API server with a client certificate, for readiness polling before any
// kubeconfig exists (and without spawning kubectl every 100 ms).
import { request } from 'node:https';

export interface ClientTls {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

export interface ApiResponse {
  readonly status: number;
  readonly body: string;
}

export function apiGet(
  server: string,
  path: string,
  tls: ClientTls,
  timeoutMs = 5_000,
): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, server), { ...tls, method: 'GET', timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
