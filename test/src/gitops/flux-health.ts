// What Flux's kustomize-controller makes of an object with the healthCheckExprs we publish in
// examples/gitops/flux/checkout-flags.yaml: the flux-health test tool (test/tools/kstatus) runs
// them with cel-go set up as Flux's runtime/cel sets it up, in Flux's order (RFC 0009): an
// observedGeneration that differs from metadata.generation is InProgress first; then inProgress,
// failed, current, first true wins; none true is InProgress; an evaluation error is Unknown
// (kstatus' generic reader's answer, on which Flux keeps polling until its timeout).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { testTool } from '../cluster/test-tools.ts';
import { REPO_ROOT } from '../harness/processes.ts';
import { runWithInput } from './health-tools.ts';

export const FLUX_EXAMPLE = join(REPO_ROOT, 'examples/gitops/flux/checkout-flags.yaml');

export type FluxStatus = 'InProgress' | 'Failed' | 'Current' | 'Unknown';

export interface FluxHealth {
  readonly status: FluxStatus;
  /** cel-go's evaluation error, when there was one. */
  readonly error?: string;
}

export interface HealthCheckExpr {
  readonly apiVersion: string;
  readonly kind: string;
  readonly inProgress?: string;
  readonly failed?: string;
  readonly current: string;
}

/** The healthCheckExprs of the Flux Kustomization we ship. */
export function publishedHealthCheckExprs(path = FLUX_EXAMPLE): HealthCheckExpr[] {
  for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
    const value = doc.toJS() as { kind?: string; spec?: { healthCheckExprs?: HealthCheckExpr[] } };
    if (value.kind === 'Kustomization' && value.spec?.healthCheckExprs !== undefined)
      return value.spec.healthCheckExprs;
  }
  throw new Error(`no Kustomization with healthCheckExprs in ${path}`);
}

/** Flux's health for the object under the expressions that match its API group and kind. */
export async function fluxHealthOf(value: object, exprs: readonly HealthCheckExpr[]): Promise<FluxHealth> {
  const object = value as { apiVersion?: string; kind?: string };
  const group = (object.apiVersion ?? '').split('/')[0];
  const check = exprs.find((e) => e.kind === object.kind && e.apiVersion.split('/')[0] === group);
  if (check === undefined) throw new Error(`no healthCheckExprs for ${object.apiVersion}/${object.kind}`);
  const args = ['-current', check.current];
  if (check.failed !== undefined) args.push('-failed', check.failed);
  if (check.inProgress !== undefined) args.push('-in-progress', check.inProgress);
  const output = await runWithInput(await testTool('flux-health'), args, JSON.stringify(value));
  return JSON.parse(output) as FluxHealth;
}
