import { describe, expect, it } from 'vitest';
import { renderKubeconfig, withUser } from './kubeconfig.ts';
import type { KubeconfigDocument } from './kubeconfig.ts';

const decode = (value: unknown): string => Buffer.from(String(value), 'base64').toString('utf8');

describe('renderKubeconfig', () => {
  const document = JSON.parse(
    renderKubeconfig({
      server: 'https://127.0.0.1:6443',
      caPem: 'CA PEM',
      userName: 'admin',
      user: { clientCertificatePem: 'CERT PEM', clientKeyPem: 'KEY PEM' },
    }),
  ) as {
    clusters: { cluster: Record<string, string> }[];
    users: { name: string; user: Record<string, string> }[];
    contexts: { name: string; context: Record<string, string> }[];
    'current-context': string;
  };

  it('points one context at the server with the CA inlined', () => {
    expect(document.clusters[0]?.cluster.server).toBe('https://127.0.0.1:6443');
    expect(decode(document.clusters[0]?.cluster['certificate-authority-data'])).toBe('CA PEM');
    expect(document['current-context']).toBe(document.contexts[0]?.name);
  });

  it('inlines the client certificate and key of the named user', () => {
    expect(document.users[0]?.name).toBe('admin');
    expect(decode(document.users[0]?.user['client-certificate-data'])).toBe('CERT PEM');
    expect(decode(document.users[0]?.user['client-key-data'])).toBe('KEY PEM');
    expect(document.contexts[0]?.context.user).toBe('admin');
  });
});

describe('withUser', () => {
  const admin: KubeconfigDocument = {
    apiVersion: 'v1',
    clusters: [{ name: 'c', cluster: { server: 'https://s' } }],
    users: [{ name: 'root', user: { token: 'admin-token' } }],
    contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'root', namespace: 'ns' } }],
    'current-context': 'ctx',
  };

  it('replaces the credential and keeps the cluster and context', () => {
    const doc = withUser(admin, 'alice', { token: 'alice-token' });
    expect(doc.users).toEqual([{ name: 'alice', user: { token: 'alice-token' } }]);
    expect(doc.contexts).toEqual([
      { name: 'ctx', context: { cluster: 'c', user: 'alice', namespace: 'ns' } },
    ]);
    expect(doc.clusters).toEqual(admin.clusters);
  });

  it('impersonates through the admin credential instead of replacing it', () => {
    const doc = withUser(admin, 'bob', { as: 'bob', asGroups: ['devs'] });
    expect(doc.users).toEqual([
      { name: 'bob', user: { token: 'admin-token', as: 'bob', 'as-groups': ['devs'] } },
    ]);
  });

  it('refuses a kubeconfig without contexts', () => {
    expect(() => withUser({}, 'x', { token: 't' })).toThrow('no context');
  });
});
