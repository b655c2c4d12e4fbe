import { describe, expect, it } from 'vitest';
import { apiServerArgs, etcdArgs } from './control-plane-args.ts';

const flag = (args: readonly string[], name: string): string | undefined =>
  args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

describe('etcdArgs', () => {
  const args = etcdArgs({ dataDir: '/d/etcd', clientPort: 2001, peerPort: 2002 });

  it('listens and advertises on loopback only, on the given ports', () => {
    expect(flag(args, 'listen-client-urls')).toBe('http://127.0.0.1:2001');
    expect(flag(args, 'advertise-client-urls')).toBe('http://127.0.0.1:2001');
    expect(flag(args, 'listen-peer-urls')).toBe('http://127.0.0.1:2002');
  });

  it('names itself in the initial cluster with its own peer URL', () => {
    expect(flag(args, 'initial-cluster')).toBe(`${flag(args, 'name') ?? ''}=http://127.0.0.1:2002`);
  });

  it('keeps data in the given directory and skips fsync', () => {
    expect(flag(args, 'data-dir')).toBe('/d/etcd');
    expect(flag(args, 'unsafe-no-fsync')).toBe('true');
  });
});

describe('apiServerArgs', () => {
  const input = {
    etcdClientPort: 2001,
    securePort: 6443,
    certDir: '/d/pki',
    servingCertPath: '/d/pki/apiserver.crt',
    servingKeyPath: '/d/pki/apiserver.key',
    clientCaPath: '/d/pki/ca.crt',
    serviceAccountPublicKeyPath: '/d/pki/sa.pub',
    serviceAccountPrivateKeyPath: '/d/pki/sa.key',
    serviceAccountIssuer: 'https://issuer.example',
  };
  const args = apiServerArgs(input);

  it('serves on loopback with the given certificate and trusts the test CA for clients', () => {
    expect(flag(args, 'bind-address')).toBe('127.0.0.1');
    expect(flag(args, 'advertise-address')).toBe('127.0.0.1');
    expect(flag(args, 'secure-port')).toBe('6443');
    expect(flag(args, 'tls-cert-file')).toBe('/d/pki/apiserver.crt');
    expect(flag(args, 'client-ca-file')).toBe('/d/pki/ca.crt');
    expect(flag(args, 'etcd-servers')).toBe('http://127.0.0.1:2001');
  });

  it('signs and verifies service-account tokens itself, so TokenRequest and TokenReview work', () => {
    expect(flag(args, 'service-account-issuer')).toBe('https://issuer.example');
    expect(flag(args, 'service-account-signing-key-file')).toBe('/d/pki/sa.key');
    expect(flag(args, 'service-account-key-file')).toBe('/d/pki/sa.pub');
  });

  it('authorises with RBAC', () => {
    expect(flag(args, 'authorization-mode')).toBe('RBAC');
  });

  it('appends extra flags last so they override the defaults', () => {
    const extra = apiServerArgs({ ...input, extraArgs: ['--v=4'] });
    expect(extra.at(-1)).toBe('--v=4');
    expect(extra.slice(0, -1)).toEqual(args);
  });
});
