// The sidecar's own credentials for the operator: its projected service-account token (audience
// "ensign"), read from the file on every (re)connect because kubelet rotates it, and sent as
// `authorization: Bearer` metadata. Errors name the file, never its contents.
import { readFile } from 'node:fs/promises';
import * as grpc from '@grpc/grpc-js';
import { isBearerTokenSyntax } from '@ensign/core/auth/bearer-token.ts';

export function tokenMetadata(
  tokenFile: string,
  read: (path: string) => Promise<string> = (path) => readFile(path, 'utf8'),
): () => Promise<grpc.Metadata> {
  return async () => {
    let text: string;
    try {
      text = await read(tokenFile);
    } catch (error) {
      throw new Error(
        `cannot read the service-account token file ${tokenFile} (${(error as { code?: string }).code ?? 'error'}); mount a projected token with audience "ensign" there or set --token-file`,
        { cause: error },
      );
    }
    const token = text.trim();
    if (!isBearerTokenSyntax(token))
      throw new Error(`the service-account token file ${tokenFile} does not hold a bearer token`);
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    return metadata;
  };
}

/** No credentials: for --sync-insecure (local mode), where a token must not cross plaintext. */
export const noMetadata = (): Promise<grpc.Metadata> => Promise.resolve(new grpc.Metadata());
