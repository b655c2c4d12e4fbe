// Where JWT verification keys come from: --jwks-url (fetched by jose, cached, refetched when a
// token names an unknown key) or --jwks-file (a mounted JSON Web Key Set, re-read when it changes).
import { createLocalJWKSet, createRemoteJWKSet } from 'jose';
import type { JSONWebKeySet, JWTVerifyGetKey } from 'jose';
import { watchFile } from './watched-file.ts';
import type { ParseResult, WatchedFile, WatchedFileLogger } from './watched-file.ts';

export function parseJwks(text: string): ParseResult<JWTVerifyGetKey> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  const keys = (json as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0)
    return { ok: false, error: 'expected a JSON Web Key Set: {"keys": [ ... ]} with at least one key' };
  try {
    return { ok: true, value: createLocalJWKSet(json as JSONWebKeySet) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

export interface JwksSource {
  readonly keys: JWTVerifyGetKey;
  close(): void;
}

export function remoteJwks(url: string): JwksSource {
  return {
    keys: createRemoteJWKSet(new URL(url), {
      timeoutDuration: 5_000,
      cooldownDuration: 30_000,
      cacheMaxAge: 600_000,
    }),
    close: () => undefined,
  };
}

export async function fileJwks(
  path: string,
  logger: WatchedFileLogger,
  pollMs?: number,
): Promise<JwksSource> {
  const file: WatchedFile<JWTVerifyGetKey> = await watchFile({
    path,
    what: 'JWKS file',
    parse: parseJwks,
    logger,
    ...(pollMs === undefined ? {} : { pollMs }),
  });
  return {
    keys: (header, token) => file.current()(header, token),
    close: () => {
      file.close();
    },
  };
}
