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
  const wait = ['wait', '--for=condition=Established', '--timeout=60s', ...CRD_NAMES.map((n) => `crd/${n}`)];
  checked(await plane.kubectl(wait), wait);
}
