// npm run cluster: a real etcd + kube-apiserver on this machine for people (no Docker, no cloud),
// with Ensign's CRDs installed. Prints the admin kubeconfig and keeps running until Ctrl-C.
import { dirname } from 'node:path';
import { installCrds } from './install-crds.ts';
import type { LocalControlPlane } from './start-control-plane.ts';
import { startControlPlane } from './start-control-plane.ts';

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** Set once the plane is up; signals before that just exit (see shutdown). */
const running: { plane?: LocalControlPlane } = {};
let stopping = false;
const shutdown = (reason: string, code: number): void => {
  if (stopping) return;
  stopping = true;
  // Still starting: exiting runs the harness's exit hook, which kills what already runs.
  const plane = running.plane;
  if (plane === undefined) process.exit(code);
  log(`\n${reason}: stopping the control plane...`);
  plane.stop().then(
    () => {
      log('stopped; etcd data and credentials deleted');
      process.exit(code);
    },
    (error: unknown) => {
      log(`stop failed: ${String(error)}`);
      process.exit(1);
    },
  );
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
  process.on(signal, () => {
    shutdown(signal, 0);
  });

const started = Date.now();
const plane = await startControlPlane({ log });
running.plane = plane;
try {
  await installCrds(plane);
} catch (error) {
  log(`installing crds/ failed: ${String(error)}`);
  shutdown('error', 1);
}

const seconds = ((Date.now() - started) / 1000).toFixed(1);
const binDir = plane.kubectlPath.includes('/') ? dirname(plane.kubectlPath) : undefined;
process.stdout.write(
  [
    '',
    `Kubernetes ${plane.version} API server at ${plane.server}, ready in ${seconds} s, CRDs from crds/ installed.`,
    `Admin kubeconfig: ${plane.kubeconfigPath}`,
    '',
    'In another shell:',
    '',
    `  export KUBECONFIG=${plane.kubeconfigPath}`,
    ...(binDir === undefined
      ? []
      : [`  export PATH=${binDir}:$PATH   # optional: kubectl and helm ${plane.version}`]),
    '  kubectl create namespace shop && kubectl apply -f examples/default -f examples/shop',
    '  kubectl get ensign -A',
    '',
    'Only the API server and etcd run: no controllers, scheduler or nodes (pods stay Pending,',
    'deleted namespaces stay Terminating). Ctrl-C stops it and deletes its data.',
    '',
  ].join('\n'),
);
