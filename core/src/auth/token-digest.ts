// Caches and logs refer to a token by its SHA-256, never by the token itself.
import { createHash } from 'node:crypto';

export function tokenDigest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}
