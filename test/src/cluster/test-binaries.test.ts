import { describe, expect, it } from 'vitest';
import { assetVariable, needsBuild, pickBinaries, pickBinary } from './test-binaries.ts';

const existing = (...paths: string[]) => {
  const set = new Set(paths);
  return (path: string): boolean => set.has(path);
};

describe('assetVariable', () => {
  it('follows envtest: upper case with punctuation turned into underscores', () => {
    expect(assetVariable('kube-apiserver')).toBe('TEST_ASSET_KUBE_APISERVER');
    expect(assetVariable('etcd')).toBe('TEST_ASSET_ETCD');
  });
});

describe('pickBinary', () => {
  it('prefers TEST_ASSET_<NAME> over KUBEBUILDER_ASSETS and the build', () => {
    const env = { TEST_ASSET_ETCD: '/opt/etcd', KUBEBUILDER_ASSETS: '/assets' };
    expect(pickBinary('etcd', env, '/built', existing('/assets/etcd', '/built/etcd'))).toBe('/opt/etcd');
  });

  it('uses KUBEBUILDER_ASSETS when the binary is there', () => {
    const env = { KUBEBUILDER_ASSETS: '/assets' };
    expect(pickBinary('etcd', env, '/built', existing('/assets/etcd', '/built/etcd'))).toBe('/assets/etcd');
  });

  it('falls back to the built directory, e.g. for helm that setup-envtest does not ship', () => {
    const env = { KUBEBUILDER_ASSETS: '/assets' };
    expect(pickBinary('helm', env, '/built', existing('/built/helm'))).toBe('/built/helm');
  });

  it('falls back to PATH for kubectl and helm', () => {
    expect(pickBinary('kubectl', {}, undefined, existing())).toBe('kubectl');
  });

  it('explains how to get a missing server binary', () => {
    expect(() => pickBinary('kube-apiserver', {}, '/built', existing())).toThrow(
      /TEST_ASSET_KUBE_APISERVER or KUBEBUILDER_ASSETS, or run bash test\/cluster\/build.sh/,
    );
  });
});

describe('needsBuild', () => {
  it('is false only when both server binaries are supplied from outside', () => {
    const assets = { KUBEBUILDER_ASSETS: '/assets' };
    expect(needsBuild(assets, existing('/assets/kube-apiserver', '/assets/etcd'))).toBe(false);
    expect(needsBuild(assets, existing('/assets/kube-apiserver'))).toBe(true);
    expect(needsBuild({}, existing())).toBe(true);
  });
});

describe('pickBinaries', () => {
  it('takes everything from one envtest asset directory', () => {
    const env = { KUBEBUILDER_ASSETS: '/a' };
    const all = existing('/a/kube-apiserver', '/a/etcd', '/a/kubectl', '/a/helm');
    expect(pickBinaries(env, undefined, all)).toEqual({
      'kube-apiserver': '/a/kube-apiserver',
      etcd: '/a/etcd',
      kubectl: '/a/kubectl',
      helm: '/a/helm',
    });
  });
});
