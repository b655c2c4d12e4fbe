// Runs the real kubectl (or helm) against a kubeconfig. Results carry the exit code instead of
// throwing, because tests assert on refusals as often as on successes.
import { spawn } from 'node:child_process';

export interface KubectlOptions {
  /** Written to kubectl's stdin (for `apply -f -`). */
  readonly input?: string;
  /** Another kubeconfig, e.g. from identityKubeconfig(); defaults to the admin one. */
  readonly kubeconfig?: string;
  readonly timeoutMs?: number;
}

export interface KubectlResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

export interface KubectlTarget {
  readonly kubectlPath: string;
  readonly kubeconfigPath: string;
  /** Discovery cache (KUBECACHEDIR); one per control plane so random ports do not litter ~/.kube. */
  readonly cacheDir: string;
}

export function runKubectl(
  target: KubectlTarget,
  args: readonly string[],
  options: KubectlOptions = {},
): Promise<KubectlResult> {
  return runKubeClient(target.kubectlPath, target, {}, args, options);
}

/** Runs any kubeconfig-reading client (kubectl, helm) with the target's kubeconfig and cache. */
export function runKubeClient(
  binary: string,
  target: Omit<KubectlTarget, 'kubectlPath'>,
  env: Readonly<Record<string, string>>,
  args: readonly string[],
  options: KubectlOptions = {},
): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, {
      env: {
        ...process.env,
        ...env,
        KUBECONFIG: options.kubeconfig ?? target.kubeconfigPath,
        KUBECACHEDIR: target.cacheDir,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 60_000,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.once('error', (error) => {
      reject(new Error(`cannot run ${binary}: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      resolve({
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8') + (signal === null ? '' : `\n(killed by ${signal})`),
        code: code ?? 1,
      });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Throws with kubectl's stderr when the command failed; returns stdout. */
export function checked(result: KubectlResult, args: readonly string[]): string {
  if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}
