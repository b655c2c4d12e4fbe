// What Flux's kustomize-controller makes of an object with the healthCheckExprs we publish in
// examples/gitops/flux/checkout-flags.yaml, following its evaluator (fluxcd/pkg runtime/cel,
// RFC 0009): a status.observedGeneration that differs from metadata.generation is InProgress
// before any expression runs; then inProgress, failed and current are tried in that order and the
// first true one wins; none true is InProgress; an evaluation error leaves the object Unknown
// (Flux keeps polling until its timeout). The expressions run on @bufbuild/cel here, Flux runs
// cel-go: cel-go fails on a top-level key the object lacks (a Flag with no status yet) where
// @bufbuild/cel answers false, so that case is decided before evaluation, as cel-go would.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isCelError, parse, plan, celEnv } from '@bufbuild/cel';
import type { CelInput, CelResult } from '@bufbuild/cel';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../harness/processes.ts';

export const FLUX_EXAMPLE = join(REPO_ROOT, 'examples/gitops/flux/checkout-flags.yaml');

export type FluxStatus = 'InProgress' | 'Failed' | 'Current' | 'Unknown';

export interface HealthCheckExpr {
  readonly apiVersion: string;
  readonly kind: string;
  readonly inProgress?: string;
  readonly failed?: string;
  readonly current: string;
}

interface FluxObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: { readonly generation?: number };
  readonly status?: { readonly observedGeneration?: number };
}

type Program = (bindings: Record<string, CelInput>) => CelResult;

const env = celEnv();
const programs = new Map<string, Program>();

function program(expr: string): Program {
  let compiled = programs.get(expr);
  if (compiled === undefined) {
    compiled = plan(env, parse(expr));
    programs.set(expr, compiled);
  }
  return compiled;
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

const TOP_LEVEL_KEYS = ['apiVersion', 'kind', 'metadata', 'spec', 'status'];

/** Top-level object keys an expression reads that the object lacks: an error in cel-go. */
function missingKeys(expr: string, object: Record<string, unknown>): string[] {
  return TOP_LEVEL_KEYS.filter((key) => new RegExp(`\\b${key}\\b`).test(expr) && !(key in object));
}

function evaluate(expr: string, object: Record<string, unknown>): boolean | 'error' {
  if (missingKeys(expr, object).length > 0) return 'error';
  const result = program(expr)(object as Record<string, CelInput>);
  if (isCelError(result) || typeof result !== 'boolean') return 'error';
  return result;
}

/** Flux's status for the object under the expressions that match its group and kind. */
export function fluxStatusOf(value: object, exprs: readonly HealthCheckExpr[]): FluxStatus {
  const object = value as FluxObject;
  const group = (object.apiVersion ?? '').split('/')[0];
  const check = exprs.find((e) => e.kind === object.kind && e.apiVersion.split('/')[0] === group);
  if (check === undefined) throw new Error(`no healthCheckExprs for ${object.apiVersion}/${object.kind}`);
  const observed = object.status?.observedGeneration;
  if (observed !== undefined && observed !== object.metadata?.generation) return 'InProgress';
  const ordered: [string | undefined, FluxStatus][] = [
    [check.inProgress, 'InProgress'],
    [check.failed, 'Failed'],
    [check.current, 'Current'],
  ];
  for (const [expr, status] of ordered) {
    if (expr === undefined || expr === '') continue;
    const result = evaluate(expr, object as Record<string, unknown>);
    if (result === 'error') return 'Unknown';
    if (result) return status;
  }
  return 'InProgress';
}
