// ReviewToken over a real gRPC connection (plaintext on loopback; TLS is tested with the
// credentials), with a table standing in for the API server.
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { RuleSetServiceService } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';
import type { ReviewTokenRequest, ReviewTokenResponse } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { RuleSetHub } from '../sync/rule-set-hub.ts';
import { addSyncService } from '../sync/sync-server.ts';
import { createOperatorAuth } from './create-operator-auth.ts';
import { createReviewTokenHandler, toReviewTokenResponse } from './review-token-handler.ts';
import {
  ALICE,
  EXPIRED,
  SHOP_WEB,
  UNREACHABLE,
  fakeReviews,
  serviceAccountResult,
} from './testdata/fake-reviews.ts';

const quiet = { warn: () => undefined, debug: () => undefined, info: () => undefined };
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serve(handler: grpc.handleUnaryCall<ReviewTokenRequest, ReviewTokenResponse> | undefined) {
  const server = new grpc.Server();
  addSyncService(server, {
    hub: new RuleSetHub({ emptyRuleSet: (namespace) => RuleSet.fromPartial({ namespace }), now: Date.now }),
    logger: quiet,
    authorize: () => Promise.resolve({ ok: true, identity: 'test' }),
    now: Date.now,
    ...(handler === undefined ? {} : { reviewToken: handler }),
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => {
      if (e) reject(e);
      else resolve(p);
    });
  });
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  cleanups.push(() => {
    client.close();
    server.forceShutdown();
  });
  return (token: string, authorization?: string) =>
    new Promise<ReviewTokenResponse>((resolve, reject) => {
      const metadata = new grpc.Metadata();
      if (authorization !== undefined) metadata.set('authorization', authorization);
      const m = RuleSetServiceService.reviewToken;
      client.makeUnaryRequest(
        m.path,
        m.requestSerialize,
        m.responseDeserialize,
        { token },
        metadata,
        (e, r) => {
          if (e) reject(e);
          else resolve(r as ReviewTokenResponse);
        },
      );
    });
}

describe('ReviewToken', () => {
  it('reviews an application token for an authenticated sidecar', async () => {
    const fake = fakeReviews({ 'tok-app': serviceAccountResult('checkout', 'api', 1_700_000_123_456) });
    const call = await serve(createReviewTokenHandler({ reviewToken: fake.review, logger: quiet }));
    expect(await call('tok-app', `Bearer ${SHOP_WEB}`)).toEqual({
      authenticated: true,
      username: 'system:serviceaccount:checkout:api',
      namespace: 'checkout',
      serviceAccount: 'api',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:checkout'],
      expiresAt: 1_700_000_123,
      error: '',
    });
    expect(fake.calls).toEqual([SHOP_WEB, 'tok-app']);
  });

  it('answers authenticated=false with the reason for a rejected application token', async () => {
    const call = await serve(createReviewTokenHandler({ reviewToken: fakeReviews().review, logger: quiet }));
    expect(await call(EXPIRED, `Bearer ${SHOP_WEB}`)).toMatchObject({
      authenticated: false,
      error: 'service account token has expired',
      namespace: '',
    });
  });

  it.each([
    ['no sidecar token', undefined, grpc.status.UNAUTHENTICATED],
    ['a rejected sidecar token', `Bearer ${EXPIRED}`, grpc.status.UNAUTHENTICATED],
    ['a caller that is not a service account', `Bearer ${ALICE}`, grpc.status.PERMISSION_DENIED],
  ])('refuses a caller with %s before reviewing anything for it', async (_what, authorization, code) => {
    const fake = fakeReviews();
    const call = await serve(createReviewTokenHandler({ reviewToken: fake.review, logger: quiet }));
    await expect(call('tok-app', authorization)).rejects.toMatchObject({ code });
    expect(fake.calls).not.toContain('tok-app');
  });

  it('refuses an empty token as INVALID_ARGUMENT', async () => {
    const call = await serve(createReviewTokenHandler({ reviewToken: fakeReviews().review, logger: quiet }));
    await expect(call('', `Bearer ${SHOP_WEB}`)).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
    });
  });

  it('answers UNAVAILABLE when the API server cannot be reached', async () => {
    const call = await serve(createReviewTokenHandler({ reviewToken: fakeReviews().review, logger: quiet }));
    await expect(call(UNREACHABLE, `Bearer ${SHOP_WEB}`)).rejects.toMatchObject({
      code: grpc.status.UNAVAILABLE,
      details: expect.stringContaining('ECONNREFUSED') as string,
    });
  });

  it('stays UNIMPLEMENTED when the operator has no token review', async () => {
    const call = await serve(undefined);
    await expect(call('x', `Bearer ${SHOP_WEB}`)).rejects.toMatchObject({ code: grpc.status.UNIMPLEMENTED });
  });

  it('reviews each token once within the cache lifetime, sidecar and application alike', async () => {
    const fake = fakeReviews({ 'tok-app': serviceAccountResult('checkout', 'api') });
    let now = 1_700_000_000_000;
    const auth = createOperatorAuth({
      review: fake.review,
      accessOf: () => undefined,
      logger: quiet,
      now: () => now,
    });
    const call = await serve(auth.reviewToken);
    await call('tok-app', `Bearer ${SHOP_WEB}`);
    await call('tok-app', `Bearer ${SHOP_WEB}`);
    expect(fake.calls).toEqual([SHOP_WEB, 'tok-app']);
    now += 60_000;
    await call('tok-app', `Bearer ${SHOP_WEB}`);
    expect(fake.calls).toEqual([SHOP_WEB, 'tok-app', SHOP_WEB, 'tok-app']);
  });
});

describe('toReviewTokenResponse', () => {
  it('reports 0 as the expiry when the token has none', () => {
    expect(toReviewTokenResponse(serviceAccountResult('a', 'b')).expiresAt).toBe(0);
  });
});
