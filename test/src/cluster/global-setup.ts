// vitest globalSetup of the `integration` project: builds (or reuses) the control-plane binaries
// up front, so no test hook waits for a compiler, and serves ONE control plane to every test file
// through the broker. The plane starts when the first file calls useControlPlane(); suites that
// never do (local mode) pay nothing. Teardown stops it whatever the tests did.
import type { TestProject } from 'vitest/node';
import { acquireControlPlane } from './acquire-control-plane.ts';
import { startControlPlaneBroker } from './control-plane-broker.ts';
import { chooseControlPlaneSource } from './control-plane-source.ts';
import { ensureTestBinaries } from './test-binaries.ts';
import { ensureTestTools } from './test-tools.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    ensignControlPlaneBroker: string;
  }
}

const log = (line: string): void => {
  process.stderr.write(`[control plane] ${line}\n`);
};

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const source = chooseControlPlaneSource(process.env);
  const binaries = source.kind === 'local' ? await ensureTestBinaries(process.env, log) : undefined;
  await ensureTestTools(log);
  const broker = await startControlPlaneBroker(() =>
    acquireControlPlane(source, { ...(binaries === undefined ? {} : { binaries }), log }),
  );
  project.provide('ensignControlPlaneBroker', broker.url);
  return async () => {
    await broker.close();
    const plane = broker.started();
    if (plane !== undefined) await (await plane.catch(() => undefined))?.stop();
  };
}
