// The sidecar's ReviewToken client against the operator's real handler over real TLS.
import { writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { TokenReviewResult } from '@ensign/operator/auth/token-review.ts';
import { createOperatorChannelSecurity } from '../sync/operator-channel.ts';
import { tokenMetadata } from '../sync/token-metadata.ts';
import { createOperatorReviewClient, ReviewUnavailableError } from './operator-review-client.ts';
import type { OperatorReviewClient } from './operator-review-client.ts';
import { fakeJwt } from './test-support/fake-jwt.ts';
import { startTlsOperator } from './test-support/tls-operator.ts';
import type { TlsOperator } from './test-support/tls-operator.ts';

const SIDECAR = fakeJwt({ sub: 'system:serviceaccount:shop:web-sidecar' });
const APP = fakeJwt({ sub: 'system:serviceaccount:checkout:api', exp: 2_000_000_000 });

const reviews: Record<string, TokenReviewResult> = {
  [SIDECAR]: {
    authenticated: true,
    username: 'system:serviceaccount:shop:web',
    groups: [],
    serviceAccount: { namespace: 'shop', name: 'web' },
  },
  [APP]: {
    authenticated: true,
    username: 'system:serviceaccount:checkout:api',
    groups: [],
    serviceAccount: { namespace: 'checkout', name: 'api' },
    expiresAtMs: 2_000_000_000_000,
  },
};
const review = (token: string) =>
  Promise.resolve(reviews[token] ?? { authenticated: false as const, error: 'invalid bearer token' });

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(withReview = true, sidecarToken = SIDECAR) {
  const operator: TlsOperator = await startTlsOperator(withReview ? review : undefined, sidecarToken);
  cleanups.push(() => operator.stop());
  const client: OperatorReviewClient = createOperatorReviewClient({
    address: operator.address,
    security: createOperatorChannelSecurity({ insecure: false, caFile: operator.caFile }),
    metadata: tokenMetadata(operator.tokenFile),
    now: Date.now,
  });
  cleanups.push(() => {
    client.close();
  });
  return { operator, client };
}

describe('createOperatorReviewClient', () => {
  it('has the operator review an application token, presenting the sidecar’s own token', async () => {
    const { client } = await setup();
    expect(await client.review(APP)).toEqual({
      authenticated: true,
      username: 'system:serviceaccount:checkout:api',
      namespace: 'checkout',
      serviceAccount: 'api',
      expiresAtMs: 2_000_000_000_000,
    });
    expect(await client.review(fakeJwt({ sub: 'nobody' }))).toEqual({
      authenticated: false,
      error: 'invalid bearer token',
    });
  });

  it('fails as unavailable, with the operator’s reason, when the operator refuses the sidecar', async () => {
    const { client } = await setup(true, fakeJwt({ sub: 'not-reviewed' }));
    const error = await client.review(APP).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReviewUnavailableError);
    expect((error as Error).message).toMatch(
      /^the operator refused this sidecar: sidecar authentication: token rejected/,
    );
  });

  it('explains an operator without token review', async () => {
    const { client } = await setup(false);
    await expect(client.review(APP)).rejects.toThrow(/does not review service-account tokens/);
  });

  it('trusts only its CA bundle, and re-reads the bundle after a failed connection', async () => {
    const { operator, client } = await setup();
    const next = await operator.rotateCa(); // the bundle on disk still holds the old CA
    await expect(client.review(APP)).rejects.toThrow(/^operator UNAVAILABLE/);
    await writeFile(operator.caFile, next.certPem);
    expect(await client.review(APP)).toMatchObject({ authenticated: true });
  });
});
