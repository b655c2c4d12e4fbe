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

  it('explains that authentication must be turned off explicitly in this build', () => {
    expect(() => parseSidecarConfig(['--sync-insecure'], {}, 'h')).toThrow(/--auth \(ENSIGN_AUTH\)/);
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
