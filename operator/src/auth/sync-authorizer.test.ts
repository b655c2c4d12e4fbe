import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { Access, Subscribe } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { createSyncAuthorizer } from './sync-authorizer.ts';
import {
  ALICE,
  EXPIRED,
  SHOP_CHECKOUT,
  SHOP_WEB,
  UNREACHABLE,
  fakeReviews,
} from './testdata/fake-reviews.ts';

const policies: Record<string, Access> = {
  catalog: Access.fromPartial({ namespaces: ['shop'] }),
  payments: Access.fromPartial({ serviceAccounts: [{ namespace: 'shop', name: 'checkout' }] }),
};

function metadataWith(authorization?: string): grpc.Metadata {
  const metadata = new grpc.Metadata();
  if (authorization !== undefined) metadata.set('authorization', authorization);
  return metadata;
}

const authorize = createSyncAuthorizer({
  reviewToken: fakeReviews().review,
  accessOf: (ns) => policies[ns],
});

function subscribe(...namespaces: string[]): Subscribe {
  return Subscribe.fromPartial({ namespaces, sidecarId: 'shop/web-0' });
}

describe('createSyncAuthorizer', () => {
  it('admits a sidecar to its own namespace and to namespaces whose access names its namespace', async () => {
    expect(await authorize(metadataWith(`Bearer ${SHOP_WEB}`), subscribe('shop', 'catalog'))).toEqual({
      ok: true,
      identity: 'system:serviceaccount:shop:web',
    });
  });

  it('admits the exact service account a FlagNamespace names', async () => {
    expect(await authorize(metadataWith(`Bearer ${SHOP_CHECKOUT}`), subscribe('payments'))).toMatchObject({
      ok: true,
    });
  });

  it('refuses namespaces that do not admit the sidecar, naming each of them', async () => {
    expect(
      await authorize(metadataWith(`Bearer ${SHOP_WEB}`), subscribe('shop', 'payments', 'billing')),
    ).toEqual({
      ok: false,
      code: grpc.status.PERMISSION_DENIED,
      message: expect.stringMatching(
        /^service account shop\/web may not watch namespaces "payments", "billing": /,
      ) as string,
    });
  });

  it.each([
    ['no authorization metadata', undefined, grpc.status.UNAUTHENTICATED, /missing credentials/],
    ['a malformed header', `bearer ${SHOP_WEB}`, grpc.status.UNAUTHENTICATED, /malformed Authorization/],
    [
      'a rejected token',
      `Bearer ${EXPIRED}`,
      grpc.status.UNAUTHENTICATED,
      /token rejected: service account token has expired/,
    ],
    ['an unknown token', 'Bearer not-a-known-token', grpc.status.UNAUTHENTICATED, /invalid bearer token/],
    [
      'a user that is not a service account',
      `Bearer ${ALICE}`,
      grpc.status.PERMISSION_DENIED,
      /"alice" is not a service account/,
    ],
    [
      'an API server that cannot be reached',
      `Bearer ${UNREACHABLE}`,
      grpc.status.UNAVAILABLE,
      /cannot review the token now/,
    ],
  ])('refuses %s with a clear status', async (_what, header, code, message) => {
    const decision = await authorize(metadataWith(header), subscribe('shop'));
    expect(decision).toMatchObject({ ok: false, code });
    if (!decision.ok) {
      expect(decision.message).toMatch(message);
      if (header !== undefined) expect(decision.message).not.toContain(header.split(' ')[1]);
    }
  });
});
