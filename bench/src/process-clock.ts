// The real clock and collector for the benchmark processes (run them with --expose-gc).
import type { Clock } from './measure-eval.ts';

export function processClock(): Clock {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error('run benchmark processes with node --expose-gc');
  return { ns: () => process.hrtime.bigint(), ms: () => Date.now(), gc: collect };
}
