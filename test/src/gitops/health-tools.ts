// What Flux / Helm 4 (kstatus) and Argo CD (our Lua health check) make of one object: the Go test
// tools from test/tools/kstatus and test/tools/lua, fed the object as JSON on stdin.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { testTool } from '../cluster/test-tools.ts';
import { REPO_ROOT } from '../harness/processes.ts';

/** The health check the chart ships (charts/ensign/health/), as argocd-cm holds it. */
export const ARGOCD_HEALTH_LUA = join(REPO_ROOT, 'charts/ensign/health/argocd-health.lua');

export interface KstatusResult {
  readonly status: 'InProgress' | 'Failed' | 'Current' | 'Terminating' | 'NotFound' | 'Unknown';
  readonly message: string;
}

export interface ArgoHealth {
  readonly status: 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';
  readonly message?: string;
}

export function runWithInput(command: string, args: readonly string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new Error(`${command} exited ${code}: ${Buffer.concat(err).toString('utf8')}`));
    });
    child.stdin.end(input);
  });
}

/** sigs.k8s.io/cli-utils kstatus `status.Compute` of the object. */
export async function kstatusOf(object: unknown): Promise<KstatusResult> {
  return JSON.parse(
    await runWithInput(await testTool('kstatus'), [], JSON.stringify(object)),
  ) as KstatusResult;
}

/** The Argo CD health our Lua script returns for the object, run by gopher-lua as Argo CD runs it. */
export async function argoHealthOf(object: unknown, script = ARGOCD_HEALTH_LUA): Promise<ArgoHealth> {
  const output = await runWithInput(await testTool('argocd-lua-health'), [script], JSON.stringify(object));
  return JSON.parse(output) as ArgoHealth;
}
