// npm run cluster: a real etcd + kube-apiserver on this machine for people (no Docker, no cloud),
// with Ensign's CRDs installed. Prints the admin kubeconfig and keeps running until Ctrl-C.
import { dirname } from 'node:path';
import { installCrds } from './install-crds.ts';
import { startControlPlane } from './start-control-plane.ts';

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

const started = Date.now();
const plane = await startControlPlane({ log });
let stopping = false;
const shutdown = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  log(`\n${signal}: stopping the control plane...`);
  void plane.stop().then(
    () => {
      log('stopped; work directory removed');
      process.exit(0);
    },
    (error: unknown) => {
      log(`stop failed: ${String(error)}`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => {
  shutdown('SIGINT');
});
process.on('SIGTERM', () => {
  shutdown('SIGTERM');
});
process.on('SIGHUP', () => {
  shutdown('SIGHUP');
});

try {
  await installCrds(plane);
} catch (error) {
  log(`installing crds/ failed: ${String(error)}`);
  shutdown('error');
}

const kubectlDir = plane.kubectlPath.includes('/') ? dirname(plane.kubectlPath) : undefined;
process.stdout.write(
  [
    '',
    `Kubernetes ${plane.version} API server at ${plane.server} (ready in ${((Date.now() - started) / 1000).toFixed(1)} s), CRDs from crds/ installed.`,
    `Admin kubeconfig: ${plane.kubeconfigPath}`,
    '',
    'Paste into another shell:',
    '',
    `  export KUBECONFIG=${plane.kubeconfigPath}${kubectlDir === undefined ? '' : ` PATH=${kubectlDir}:$PATH`}`,
    '  kubectl apply -f examples/',
    '',
    'No controllers, scheduler or nodes run here: pods stay Pending and namespaces stay Terminating.',
    'Press Ctrl-C to stop; etcd data and credentials are deleted.',
    '',
  ].join('\n'),
);
