// The chart renders the injection config file from values.sidecar.*; the operator parses it with a
// strict schema (unknown keys are errors) and exits when it does not parse. Every values file the
// chart ships is rendered here and must give a config the operator accepts.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseInjectionConfig } from '@ensign/operator/webhooks/injection-config.ts';
import type { ControlPlane } from '../cluster/control-plane.ts';
import { checked } from '../cluster/kubectl.ts';
import { useControlPlane } from '../cluster/use-control-plane.ts';
import { REPO_ROOT } from '../harness/processes.ts';

const CHART = join(REPO_ROOT, 'charts', 'ensign');
const VALUES = [undefined, ...readdirSync(join(CHART, 'ci')).filter((f) => f.endsWith('.yaml'))];

let plane: ControlPlane;
beforeAll(async () => {
  plane = await useControlPlane();
});

async function renderedConfig(values: string | undefined): Promise<string> {
  const args = [
    'template',
    'ensign',
    CHART,
    '--namespace',
    'ensign-system',
    ...(values === undefined ? [] : ['--values', join(CHART, 'ci', values)]),
  ];
  const manifests = checked(await plane.helm(args), ['helm', ...args]);
  for (const doc of parseAllDocuments(manifests)) {
    const object = doc.toJS() as { kind?: string; data?: Record<string, string> } | null;
    const text = object?.kind === 'ConfigMap' ? object.data?.['injection.yaml'] : undefined;
    if (text !== undefined) return text;
  }
  throw new Error('the chart renders no ConfigMap with injection.yaml');
}

describe('the chart’s injection config', () => {
  for (const values of VALUES)
    it(`parses as the operator reads it with ${values ?? 'the default values'}`, async () => {
      const parsed = parseInjectionConfig(await renderedConfig(values), 'injection.yaml');
      if (!parsed.ok) throw new Error(parsed.error);
      expect(parsed.value.operatorAddress).toMatch(/\.ensign-system\.svc:8443$/);
      expect(parsed.value.image).toMatch(/ensign-sidecar[:@]/);
    });
});
