// How an application in an Ensign-injected pod talks to its sidecar: the injected environment
// says where (ENSIGN_HTTP_ADDR) and which credential to send (ENSIGN_TOKEN_FILE, a projected
// service-account token with audience "ensign" that the kubelet rotates — so it is re-read, not
// cached forever). Used by docs/app-integration.md and exercised by test/src/app-integration.test.ts.
import { readFileSync, statSync } from 'node:fs';
import { ClientTokenAuthentication, FliptClient } from '@flipt-io/flipt';
import { OFREPProvider } from '@openfeature/ofrep-provider';

export interface EnsignEnv {
  readonly ENSIGN_HTTP_ADDR?: string;
  readonly ENSIGN_TOKEN_FILE?: string;
  readonly [name: string]: string | undefined;
}

const DEFAULT_HTTP_ADDR = 'http://127.0.0.1:8414';
const DEFAULT_TOKEN_FILE = '/var/run/secrets/ensign.dev/serviceaccount/token';

export function sidecarUrl(env: EnsignEnv = process.env): string {
  return env.ENSIGN_HTTP_ADDR ?? DEFAULT_HTTP_ADDR;
}

/** Returns the current token, re-reading the file only when it changed (the kubelet rotates it). */
export function tokenReader(env: EnsignEnv = process.env): () => string {
  const file = env.ENSIGN_TOKEN_FILE ?? DEFAULT_TOKEN_FILE;
  let seen = { mtimeMs: -1, size: -1 };
  let token = '';
  return () => {
    const stat = statSync(file);
    if (stat.mtimeMs !== seen.mtimeMs || stat.size !== seen.size) {
      token = readFileSync(file, 'utf8').trim();
      seen = { mtimeMs: stat.mtimeMs, size: stat.size };
    }
    return token;
  };
}

/** OpenFeature: the OFREP provider, sending the current token with every request. */
export function ensignOfrepProvider(env: EnsignEnv = process.env): OFREPProvider {
  const token = tokenReader(env);
  return new OFREPProvider({
    baseUrl: sidecarUrl(env),
    headersFactory: () => [['Authorization', `Bearer ${token()}`]],
  });
}

/**
 * Flipt's REST SDK. It computes its headers once, when the client is built, so this hands out a
 * client built for the current token and builds a new one after the kubelet rotated the file.
 */
export function ensignFliptClient(env: EnsignEnv = process.env): () => FliptClient {
  const token = tokenReader(env);
  let current: { token: string; client: FliptClient } | undefined;
  return () => {
    const now = token();
    if (current?.token !== now)
      current = {
        token: now,
        client: new FliptClient({
          url: sidecarUrl(env),
          authenticationStrategy: new ClientTokenAuthentication(now),
        }),
      };
    return current.client;
  };
}
