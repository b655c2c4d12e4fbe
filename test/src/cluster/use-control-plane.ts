// For integration test files: the run's shared control plane (started on first use).
//
//   const plane = await useControlPlane();          // in beforeAll
//   const ns = await plane.createNamespace('my-suite');
//   await plane.kubectl(['apply', '-n', ns, '-f', '-'], { input: yaml });
import { inject } from 'vitest';
import type { ControlPlane } from './control-plane.ts';
import { requestControlPlane } from './control-plane-broker.ts';

let shared: Promise<ControlPlane> | undefined;

export function useControlPlane(): Promise<ControlPlane> {
  const broker = inject('ensignControlPlaneBroker');
  if (typeof broker !== 'string' || broker === '')
    throw new Error(
      'no control plane: run this file in the integration project (vitest run --project integration)',
    );
  shared ??= requestControlPlane(broker);
  return shared;
}
