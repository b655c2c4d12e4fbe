import { describe, expect, it } from 'vitest';
import { tokenMetadata } from './token-metadata.ts';

describe('tokenMetadata', () => {
  it('sends the file’s token as a bearer token, re-reading the file every time', async () => {
    let content = 'first.jwt.token\n';
    const metadata = tokenMetadata('/var/run/secrets/ensign/token', () => Promise.resolve(content));
    expect((await metadata()).get('authorization')).toEqual(['Bearer first.jwt.token']);
    content = 'rotated.jwt.token';
    expect((await metadata()).get('authorization')).toEqual(['Bearer rotated.jwt.token']);
  });

  it('names the file but never its contents when the token is unusable', async () => {
    const metadata = tokenMetadata('/t', () => Promise.resolve('not a token secret-value'));
    const error = await metadata().catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('the service-account token file /t does not hold a bearer token');
  });

  it('explains a missing file', async () => {
    const metadata = tokenMetadata('/t', () =>
      Promise.reject(Object.assign(new Error('x'), { code: 'ENOENT' })),
    );
    await expect(metadata()).rejects.toThrow(
      /cannot read the service-account token file \/t \(ENOENT\); mount a projected token/,
    );
  });
});
