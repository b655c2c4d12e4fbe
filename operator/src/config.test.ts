import { describe, expect, it } from 'vitest';
import { parseOperatorConfig } from './config.ts';

describe('parseOperatorConfig', () => {
  it('reads a dir source and the documented defaults', () => {
    const config = parseOperatorConfig(
      ['--source=dir:examples', '--sync-insecure', '--sync-addr=127.0.0.1:8443'],
      {},
    );
    expect(config.source).toEqual({ kind: 'dir', path: 'examples' });
    expect(config['ops-addr']).toBe('0.0.0.0:8080');
    expect(config['debounce-ms']).toBe(50);
  });

  it('reads the same settings from environment variables', () => {
    const config = parseOperatorConfig([], {
      ENSIGN_SOURCE: 'dir:/flags',
      ENSIGN_SYNC_INSECURE: 'true',
      ENSIGN_SYNC_ADDR: 'localhost:9000',
    });
    expect(config.source).toEqual({ kind: 'dir', path: '/flags' });
    expect(config['sync-addr']).toBe('localhost:9000');
  });

  it('reads from the API server by default, electing a leader in the pod namespace', () => {
    const config = parseOperatorConfig(
      ['--sync-insecure', '--sync-addr=127.0.0.1:1'],
      { POD_NAMESPACE: 'ensign-system', POD_NAME: 'ensign-operator-7d9f' },
      'host-1',
    );
    expect(config.source).toEqual({ kind: 'kubernetes' });
    expect(config['leader-election']).toBe(true);
    expect(config['leader-election-namespace']).toBe('ensign-system');
    expect(config['lease-name']).toBe('ensign-operator');
    expect(config['pod-name']).toBe('ensign-operator-7d9f');
    expect(config['watch-namespaces']).toEqual([]);
    expect(config.kubeconfig).toBeUndefined();
  });

  it('reads the cluster options from flags, with the host name as the fallback pod name', () => {
    const config = parseOperatorConfig(
      [
        '--source=kubernetes',
        '--kubeconfig=/tmp/kc',
        '--watch-namespaces= shop, web ,shop',
        '--leader-election-namespace=ops',
        '--lease-name=ensign.lease',
        '--operator-namespace=ensign-system',
        '--sync-insecure',
        '--sync-addr=127.0.0.1:1',
      ],
      {},
      'host-1',
    );
    expect(config).toMatchObject({
      kubeconfig: '/tmp/kc',
      'watch-namespaces': ['shop', 'web'],
      'leader-election-namespace': 'ops',
      'lease-name': 'ensign.lease',
      'pod-name': 'host-1',
    });
  });

  it('asks for a Lease namespace when leader election has none', () => {
    expect(() => parseOperatorConfig(['--sync-insecure', '--sync-addr=127.0.0.1:1'], {})).toThrow(
      /--leader-election-namespace \(ENSIGN_LEADER_ELECTION_NAMESPACE\): is required for leader election when POD_NAMESPACE is not set/,
    );
    const single = parseOperatorConfig(
      ['--leader-election=false', '--operator-namespace=ops', '--sync-insecure', '--sync-addr=127.0.0.1:1'],
      {},
    );
    expect(single['leader-election']).toBe(false);
  });

  it('rejects a watched namespace that is not a namespace name', () => {
    expect(() =>
      parseOperatorConfig(
        ['--watch-namespaces=Shop', '--leader-election=false', '--sync-insecure', '--sync-addr=127.0.0.1:1'],
        {},
      ),
    ).toThrow(/--watch-namespaces/);
  });

  it('rejects an unknown source kind', () => {
    expect(() =>
      parseOperatorConfig(['--source=s3:bucket', '--sync-insecure', '--sync-addr=127.0.0.1:1'], {}),
    ).toThrow(/"s3:bucket" is not a supported source/);
  });

  it('serves insecure sync only on loopback', () => {
    expect(() => parseOperatorConfig(['--source=dir:x', '--sync-insecure'], {})).toThrow(
      /insecure sync is allowed only on a loopback address, not "0.0.0.0:8443"/,
    );
  });
});

describe('parseOperatorConfig: sync security', () => {
  const cluster = [
    '--source=kubernetes',
    '--leader-election=false',
    '--operator-namespace=ops',
    '--cert-mode=files',
  ];

  it('requires a TLS certificate and key for the sync service unless explicitly insecure', () => {
    expect(() => parseOperatorConfig(cluster, {})).toThrow(
      /--sync-tls-cert \(ENSIGN_SYNC_TLS_CERT\): is required/,
    );
    expect(() => parseOperatorConfig([...cluster, '--sync-tls-cert=/c.pem'], {})).toThrow(
      /--sync-tls-key \(ENSIGN_SYNC_TLS_KEY\): is required with --sync-tls-cert/,
    );
    const config = parseOperatorConfig([...cluster, '--sync-tls-cert=/c.pem', '--sync-tls-key=/k.pem'], {});
    expect(config['sync-tls-cert']).toBe('/c.pem');
    expect(config['sync-addr']).toBe('0.0.0.0:8443');
  });

  it('refuses TLS files together with --sync-insecure', () => {
    expect(() =>
      parseOperatorConfig(
        [...cluster, '--sync-insecure', '--sync-addr=127.0.0.1:1', '--sync-tls-cert=/c.pem'],
        {},
      ),
    ).toThrow(/cannot be combined with --sync-tls-cert/);
  });

  it('serves a dir: source only insecurely on loopback, because it cannot review sidecar tokens', () => {
    expect(() =>
      parseOperatorConfig(['--source=dir:x', '--sync-tls-cert=/c.pem', '--sync-tls-key=/k.pem'], {}),
    ).toThrow(/a dir: source cannot authenticate sidecars/);
  });
});
