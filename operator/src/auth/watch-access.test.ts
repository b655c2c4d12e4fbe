import { describe, expect, it } from 'vitest';
import { Access } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { refusedNamespaces } from './watch-access.ts';

const policies: Record<string, Access> = {
  catalog: Access.fromPartial({ namespaces: ['shop'] }),
  payments: Access.fromPartial({ serviceAccounts: [{ namespace: 'shop', name: 'checkout' }] }),
};
const accessOf = (namespace: string) => policies[namespace];

describe('refusedNamespaces', () => {
  it.each<[string, string, string[], string[]]>([
    ['its own namespace', 'web', ['shop'], []],
    ['a namespace whose access names its namespace', 'web', ['shop', 'catalog'], []],
    ['a namespace whose access names exactly it', 'checkout', ['payments'], []],
    ['a namespace whose access names another service account', 'web', ['payments'], ['payments']],
    ['a namespace without a FlagNamespace', 'web', ['billing'], ['billing']],
    [
      'a mix, naming only the refused ones in order',
      'web',
      ['zeta', 'shop', 'billing', 'catalog'],
      ['zeta', 'billing'],
    ],
  ])('lets shop/%s watch %s', (_what, name, namespaces, refused) => {
    expect(refusedNamespaces({ namespace: 'shop', name }, namespaces, accessOf)).toEqual(refused);
  });
});
