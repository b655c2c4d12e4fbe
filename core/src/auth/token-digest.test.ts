import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { tokenDigest } from './token-digest.ts';

describe('tokenDigest', () => {
  it('is the SHA-256 of the token in base64url, and never contains the token', () => {
    const token = 'eyJhbGciOi.payload.signature';
    const digest = tokenDigest(token);
    expect(Buffer.from(digest, 'base64url')).toEqual(createHash('sha256').update(token).digest());
    expect(digest).not.toContain('payload');
    expect(tokenDigest(token)).toBe(digest);
    expect(tokenDigest(`${token}x`)).not.toBe(digest);
  });
});
