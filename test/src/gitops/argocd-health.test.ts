// The Argo CD health check (charts/ensign/health/argocd-health.lua) run by gopher-lua, the
// interpreter Argo CD embeds, over hand-written status fixtures; each fixture also states what
// kstatus (Flux `wait`, Helm 4 --wait) and Flux with our published healthCheckExprs make of the
// same object, so the three readings stay side by side.
import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tempDir } from '../harness/processes.ts';
import { fluxHealthOf, publishedHealthCheckExprs } from './flux-health.ts';
import type { FluxStatus } from './flux-health.ts';
import { argoHealthOf, kstatusOf } from './health-tools.ts';
import type { ArgoHealth, KstatusResult } from './health-tools.ts';

interface Fixture {
  readonly expect: {
    readonly argocd: ArgoHealth;
    readonly kstatus: KstatusResult['status'];
    readonly flux: FluxStatus;
  };
  readonly object: {
    readonly kind: string;
    readonly metadata: { readonly generation: number };
    readonly status?: { readonly conditions?: readonly unknown[] };
  };
}

const DIR = join(import.meta.dirname, 'testdata/health');
const fixtures = readdirSync(DIR)
  .filter((name) => name.endsWith('.yaml'))
  .sort()
  .map((name) => ({ name, fixture: parse(readFileSync(join(DIR, name), 'utf8')) as Fixture }));

describe('the Argo CD health check over status fixtures', () => {
  it('has fixtures for every kind it serves', () => {
    expect(new Set(fixtures.map((f) => f.fixture.object.kind))).toEqual(
      new Set(['Flag', 'Segment', 'FlagNamespace']),
    );
  });

  const exprs = publishedHealthCheckExprs();

  it.each(fixtures)('$name: Argo CD, kstatus and Flux read it as the fixture says', async ({ fixture }) => {
    expect(await argoHealthOf(fixture.object)).toEqual(fixture.expect.argocd);
    expect((await kstatusOf(fixture.object)).status).toBe(fixture.expect.kstatus);
    expect((await fluxHealthOf(fixture.object, exprs)).status).toBe(fixture.expect.flux);
  });

  it('leaves Flux polling on an object without status: cel-go cannot find the key', async () => {
    const fresh = fixtures.find((f) => f.name === 'flag-without-status.yaml')?.fixture.object ?? {};
    expect(await fluxHealthOf(fresh, exprs)).toEqual({
      status: 'Unknown',
      error: expect.stringContaining('no such attribute') as unknown,
    });
  });

  it('answers Degraded with the Stalled message, whatever order the conditions come in', async () => {
    const stalled = fixtures.find((f) => f.name === 'flag-segment-not-found.yaml')?.fixture.object;
    const conditions = stalled?.status?.conditions ?? [];
    expect(conditions.length).toBe(2);
    const reversed = { ...stalled, status: { ...stalled?.status, conditions: [...conditions].reverse() } };
    expect(await argoHealthOf(reversed)).toMatchObject({ status: 'Degraded' });
  });

  it('never says Healthy for a generation the operator has not observed', async () => {
    for (const { fixture } of fixtures) {
      const ahead = structuredClone(fixture.object) as { metadata: { generation: number } };
      ahead.metadata.generation += 1;
      expect((await argoHealthOf(ahead)).status, JSON.stringify(ahead)).toBe('Progressing');
    }
  });

  it('runs scripts as Argo CD runs custom checks: no string library, unknown codes become Unknown', async () => {
    const dir = await tempDir('lua');
    await writeFile(join(dir, 'uses-string.lua'), 'return { status = string.upper("healthy") }');
    await writeFile(join(dir, 'bad-code.lua'), 'return { status = "Fine" }');
    await expect(argoHealthOf({}, join(dir, 'uses-string.lua'))).rejects.toThrow(/format|upper|nil/);
    expect(await argoHealthOf({}, join(dir, 'bad-code.lua'))).toEqual({
      status: 'Unknown',
      message: 'Lua returned an invalid health status',
    });
  });
});
