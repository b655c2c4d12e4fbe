import { createTestCa } from '@ensign/core/tls/test-certificates.ts';
import { describe, expect, it } from 'vitest';
import { parseSidecarConfig } from './config.ts';

const local = ['--sync-insecure', '--auth=none'];

describe('parseSidecarConfig', () => {
  it('applies the documented defaults in local mode', () => {
    const config = parseSidecarConfig(local, {}, 'host-1');
    expect(config['operator-addr']).toBe('127.0.0.1:8443');
    expect(config['grpc-addr']).toBe('127.0.0.1:8413');
    expect(config['http-addr']).toBe('127.0.0.1:8414');
    expect(config['ops-addr']).toBe('0.0.0.0:8415');
    expect(config['default-namespace']).toBe('default');
    expect(config.namespaces).toEqual(['default']);
    expect(config['sidecar-id']).toBe('host-1');
  });

  it('takes the default namespace and identity from the pod environment', () => {
    const config = parseSidecarConfig(local, { POD_NAMESPACE: 'shop', POD_NAME: 'web-1' }, 'h');
    expect(config['default-namespace']).toBe('shop');
    expect(config['sidecar-id']).toBe('shop/web-1');
  });

  it('always serves the default namespace besides the listed ones', () => {
    const config = parseSidecarConfig([...local, '--namespaces=b, a'], {}, 'h');
    expect(config.namespaces).toEqual(['a', 'b', 'default']);
  });

  it('has no per-flag metrics by default and takes an allow-list of flag keys', () => {
    expect(parseSidecarConfig(local, {}, 'h')['metrics-flag-keys']).toEqual([]);
    const config = parseSidecarConfig(
      local,
      { ENSIGN_METRICS_FLAG_KEYS: 'checkout, dark-mode,checkout' },
      'h',
    );
    expect(config['metrics-flag-keys']).toEqual(['checkout', 'dark-mode']);
  });

  it('refuses more than 20 per-flag metric keys, and keys that are not flag keys', () => {
    const keys = Array.from({ length: 21 }, (_, i) => `f${i}`).join(',');
    expect(() => parseSidecarConfig([...local, `--metrics-flag-keys=${keys}`], {}, 'h')).toThrow(
      /--metrics-flag-keys.*at most 20 flags/,
    );
    expect(() => parseSidecarConfig([...local, '--metrics-flag-keys=a b'], {}, 'h')).toThrow(
      /--metrics-flag-keys/,
    );
  });

  it('refuses unauthenticated evaluation on a non-loopback listener', () => {
    expect(() => parseSidecarConfig([...local, '--http-addr=0.0.0.0:8414'], {}, 'h')).toThrow(
      /--auth \(ENSIGN_AUTH\): --auth=none is allowed only when --http-addr is a loopback address/,
    );
  });

  it('refuses an insecure sync connection to a remote operator', () => {
    expect(() => parseSidecarConfig([...local, '--operator-addr=10.0.0.5:8443'], {}, 'h')).toThrow(
      /--sync-insecure \(ENSIGN_SYNC_INSECURE\): an insecure sync connection is allowed only to a loopback/,
    );
  });

  it('defaults to TLS sync with the pod token and required caller authentication via the operator', () => {
    const config = parseSidecarConfig(['--sync-ca=/etc/ensign/ca.crt'], {}, 'h');
    expect(config['sync-insecure']).toBe(false);
    expect(config.auth).toBe('required');
    expect(config['token-file']).toBe('/var/run/secrets/ensign/token');
    expect(config['sync-ca']).toBe('/etc/ensign/ca.crt');
    expect(config['sync-server-name']).toBeUndefined();
  });

  it('takes the sync CA bundle as PEM text from ENSIGN_SYNC_CA_PEM, as the injection webhook sets it', async () => {
    const ca = await createTestCa('Sync CA');
    const config = parseSidecarConfig([], { ENSIGN_SYNC_CA_PEM: ca.certPem }, 'h');
    expect(config['sync-ca-pem']).toBe(ca.certPem);
    expect(() => parseSidecarConfig([], { ENSIGN_SYNC_CA_PEM: 'junk' }, 'h')).toThrow(
      '--sync-ca-pem (ENSIGN_SYNC_CA_PEM): is not a usable CA bundle: contains no PEM certificate',
    );
    expect(() => parseSidecarConfig(['--sync-ca=/ca.crt'], { ENSIGN_SYNC_CA_PEM: ca.certPem }, 'h')).toThrow(
      '--sync-ca-pem (ENSIGN_SYNC_CA_PEM): and --sync-ca are alternatives; give one',
    );
  });

  it('accepts a JWKS with its issuer and audience, and static tokens', () => {
    const config = parseSidecarConfig(
      [
        '--static-tokens-file=/etc/ensign/tokens',
        '--jwks-url=https://issuer.example/jwks.json',
        '--jwt-issuer=https://issuer.example',
        '--jwt-audience=ensign',
        '--jwt-namespace-claim=ns',
      ],
      {},
      'h',
    );
    expect(config['jwks-url']).toBe('https://issuer.example/jwks.json');
    expect(config['jwt-namespace-claim']).toBe('ns');
  });

  it.each([
    [
      'a JWKS without issuer',
      ['--jwks-file=/k.json', '--jwt-audience=a'],
      /--jwt-issuer \(ENSIGN_JWT_ISSUER\): is required/,
    ],
    [
      'a JWKS without audience',
      ['--jwks-file=/k.json', '--jwt-issuer=i'],
      /--jwt-audience \(ENSIGN_JWT_AUDIENCE\): is required/,
    ],
    [
      'two JWKS sources',
      ['--jwks-file=/k.json', '--jwks-url=https://x/j', '--jwt-issuer=i', '--jwt-audience=a'],
      /--jwks-url .*alternatives/,
    ],
    [
      'an issuer without a JWKS',
      ['--jwt-issuer=i'],
      /--jwt-issuer \(ENSIGN_JWT_ISSUER\): needs --jwks-url or --jwks-file/,
    ],
    [
      'a plain-HTTP JWKS on the network',
      ['--jwks-url=http://issuer.example/j', '--jwt-issuer=i', '--jwt-audience=a'],
      /must use https/,
    ],
    [
      'a JWKS URL that is not HTTP',
      ['--jwks-url=file:///etc/jwks.json', '--jwt-issuer=i', '--jwt-audience=a'],
      /--jwks-url \(ENSIGN_JWKS_URL\)/,
    ],
    [
      'a CA bundle with an insecure sync',
      ['--sync-insecure', '--auth=none', '--sync-ca=/ca.crt'],
      /--sync-ca \(ENSIGN_SYNC_CA\): has no effect with --sync-insecure/,
    ],
    [
      'authenticator options with --auth=none',
      [...local, '--static-tokens-file=/t'],
      /--static-tokens-file \(ENSIGN_STATIC_TOKENS_FILE\): has no effect with --auth=none/,
    ],
  ])('refuses %s', (_what, argv, message) => {
    expect(() => parseSidecarConfig(argv, {}, 'h')).toThrow(message);
  });

  it('allows a plain-HTTP JWKS on loopback', () => {
    const argv = ['--jwks-url=http://127.0.0.1:9000/jwks', '--jwt-issuer=i', '--jwt-audience=a'];
    expect(parseSidecarConfig(argv, {}, 'h')['jwks-url']).toBe('http://127.0.0.1:9000/jwks');
  });

  it('needs static tokens or a JWKS to authenticate callers over an insecure sync connection', () => {
    expect(() => parseSidecarConfig(['--sync-insecure'], {}, 'h')).toThrow(
      /--auth \(ENSIGN_AUTH\): --auth=required with --sync-insecure needs --static-tokens-file or a JWKS/,
    );
    expect(parseSidecarConfig(['--sync-insecure', '--static-tokens-file=/t'], {}, 'h').auth).toBe('required');
  });

  it('names the flag of a malformed value', () => {
    expect(() => parseSidecarConfig([...local, '--namespaces=Bad_NS'], {}, 'h')).toThrow(
      /--namespaces \(ENSIGN_NAMESPACES\): must be a Kubernetes namespace name/,
    );
    expect(() => parseSidecarConfig([...local, '--grpc-addr=nope'], {}, 'h')).toThrow(
      /--grpc-addr \(ENSIGN_GRPC_ADDR\): must be host:port/,
    );
  });
});
