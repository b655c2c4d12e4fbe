// Installs the project's CRDs (crds/*.yaml) and waits until the API server serves them.
// Idempotent, so every suite that needs them can call it; the shared plane keeps them installed.
import { fileURLToPath } from 'node:url';
import type { ControlPlane } from './control-plane.ts';
import { checked } from './kubectl.ts';

export const CRDS_DIR = fileURLToPath(new URL('../../../crds/', import.meta.url));
export const CRD_NAMES = ['flags.ensign.dev', 'segments.ensign.dev', 'flagnamespaces.ensign.dev'] as const;

export async function installCrds(plane: Pick<ControlPlane, 'kubectl'>): Promise<void> {
  // Server-side apply: no last-applied annotation on large objects, and field ownership like Helm 4.
  const apply = [
    'apply',
    '--server-side',
    '--force-conflicts',
    '--field-manager=ensign-tests',
    '-f',
    CRDS_DIR,
  ];
  checked(await plane.kubectl(apply), apply);
  // Polled rather than `kubectl wait`: a CRD created a moment ago may have no conditions yet, and
  // `kubectl wait` can give up on such an object at once instead of waiting for Established.
  const established = [
    'get',
    ...CRD_NAMES.map((n) => `crd/${n}`),
    '-o',
    'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Established")].status}{" "}{end}',
  ];
  const deadline = Date.now() + 60_000;
  for (;;) {
    const result = await plane.kubectl(established);
    const statuses = result.code === 0 ? result.stdout.trim().split(/\s+/) : [];
    if (statuses.length === CRD_NAMES.length && statuses.every((s) => s === 'True')) return;
    if (Date.now() > deadline)
      throw new Error(`CRDs not Established after 60 s: ${result.stdout} ${result.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
