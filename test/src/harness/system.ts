// An operator (local mode over a private copy of examples/) and one sidecar connected to it.
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT, sidecarPorts, spawnSidecar, startOperator, tempDir, waitForReady } from './processes.ts';
import type { EnsignProcess, OperatorPorts, SidecarPorts } from './processes.ts';

export interface LocalSystem {
  readonly flagsDir: string;
  readonly stateDir: string;
  operator: EnsignProcess;
  sidecar: EnsignProcess;
  readonly operatorPorts: OperatorPorts;
  readonly sidecarPorts: SidecarPorts;
  readonly httpUrl: string;
  readonly grpcAddress: string;
  stop(): Promise<void>;
}

export async function startLocalSystem(
  sidecarArgs: string[] = ['--namespaces=default,shop'],
): Promise<LocalSystem> {
  const flagsDir = await tempDir('flags');
  await cp(join(REPO_ROOT, 'examples'), flagsDir, { recursive: true });
  const stateDir = await tempDir('state');
  const { proc: operator, ports: operatorPorts } = await startOperator(flagsDir);
  const ports = await sidecarPorts();
  const sidecar = spawnSidecar(operatorPorts.sync, ports, stateDir, sidecarArgs);
  await waitForReady(sidecar, ports.ops);
  const system: LocalSystem = {
    flagsDir,
    stateDir,
    operator,
    sidecar,
    operatorPorts,
    sidecarPorts: ports,
    httpUrl: `http://127.0.0.1:${ports.http}`,
    grpcAddress: `127.0.0.1:${ports.grpc}`,
    async stop() {
      await Promise.all([system.sidecar.stop(), system.operator.stop()]);
    },
  };
  return system;
}
