import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKubeConfig } from './load-kube-config.ts';

const kubeconfig = (server: string, context = 'c'): string => `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: '${server}' } }]
users: [{ name: u, user: { token: t } }]
contexts: [{ name: c, context: { cluster: c, user: u } }]
current-context: ${context}
`;

async function dir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'ensign-kubeconfig-'));
}

describe('loadKubeConfig', () => {
  it('prefers --kubeconfig over KUBECONFIG', async () => {
    const d = await dir();
    await writeFile(join(d, 'a'), kubeconfig('https://a.example:6443'));
    await writeFile(join(d, 'b'), kubeconfig('https://b.example:6443'));
    expect(loadKubeConfig(join(d, 'a'), { KUBECONFIG: join(d, 'b') }, d).getCurrentCluster()?.server).toBe(
      'https://a.example:6443',
    );
    expect(loadKubeConfig(undefined, { KUBECONFIG: join(d, 'b') }, d).getCurrentCluster()?.server).toBe(
      'https://b.example:6443',
    );
  });

  it('falls back to ~/.kube/config', async () => {
    const home = await dir();
    await mkdir(join(home, '.kube'));
    await writeFile(join(home, '.kube', 'config'), kubeconfig('https://home.example'));
    expect(loadKubeConfig(undefined, {}, home).getCurrentCluster()?.server).toBe('https://home.example');
  });

  it('says what to do instead of guessing localhost when nothing is configured', async () => {
    const empty = await dir();
    expect(() => loadKubeConfig(undefined, {}, empty)).toThrow(
      /pass --kubeconfig, set KUBECONFIG, or run in a pod/,
    );
    expect(() => loadKubeConfig('/nonexistent/kubeconfig', {})).toThrow(
      '--kubeconfig: no such file "/nonexistent/kubeconfig"',
    );
  });

  it('refuses a kubeconfig without a current cluster', async () => {
    const d = await dir();
    await writeFile(join(d, 'a'), kubeconfig('https://a.example', 'missing'));
    expect(() => loadKubeConfig(join(d, 'a'), {}, d)).toThrow(/no current cluster/);
  });
});
