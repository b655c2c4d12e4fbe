import { describe, expect, it } from 'vitest';
import { DEFAULT_K3S_IMAGE, chooseControlPlaneSource } from './control-plane-source.ts';

describe('chooseControlPlaneSource', () => {
  it('starts a local control plane by default', () => {
    expect(chooseControlPlaneSource({})).toEqual({ kind: 'local' });
  });

  it('uses an existing cluster when ENSIGN_TEST_KUBECONFIG is set, whatever the provider says', () => {
    expect(chooseControlPlaneSource({ ENSIGN_TEST_KUBECONFIG: '/k', ENSIGN_TEST_PROVIDER: 'k3s' })).toEqual({
      kind: 'existing',
      kubeconfigPath: '/k',
    });
  });

  it('runs k3s only when asked, with an overridable image', () => {
    expect(chooseControlPlaneSource({ ENSIGN_TEST_PROVIDER: 'k3s' })).toEqual({
      kind: 'k3s',
      image: DEFAULT_K3S_IMAGE,
    });
    expect(chooseControlPlaneSource({ ENSIGN_TEST_PROVIDER: 'k3s', ENSIGN_TEST_K3S_IMAGE: 'img' })).toEqual({
      kind: 'k3s',
      image: 'img',
    });
  });

  it('rejects an unknown provider instead of silently starting something else', () => {
    expect(() => chooseControlPlaneSource({ ENSIGN_TEST_PROVIDER: 'kind' })).toThrow('expected local or k3s');
  });
});
