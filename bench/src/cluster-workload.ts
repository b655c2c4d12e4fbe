// The benchmark workload (bench/src/ensign-workload.ts) placed in a given Kubernetes namespace:
// even flags are variant flags whose three rules name Segments, odd flags boolean with a rollout.
import { ensignWorkload, type EnsignWorkload } from './ensign-workload.ts';

export function namespaceWorkload(namespace: string, flags: number): EnsignWorkload {
  const workload = ensignWorkload(flags);
  return {
    flags: workload.flags.map((f) => ({ ...f, metadata: { ...f.metadata, namespace } })),
    segments: workload.segments.map((s) => ({ ...s, metadata: { ...s.metadata, namespace } })),
  };
}
