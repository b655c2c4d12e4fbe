// State inputs of the load benchmarks, written once per run before any load process starts, so
// generating them never shows in a load process's memory or time.
import { mkdirSync, writeFileSync } from 'node:fs';
import { encodeRuleSet, workloadRuleSet } from './ensign-rule-set.ts';
import { ensignWorkload } from './ensign-workload.ts';
import { peerDocumentText, type PeerFormat } from './peer-documents.ts';

export type DataFormat = PeerFormat | 'ensign' | 'ensign-resources';

export const DATA_DIR = new URL('../.cache/data/', import.meta.url);

/** ensign: the RuleSet's protobuf bytes; ensign-resources: the Flag/Segment objects as JSON; peers: their JSON documents. */
export function dataFile(format: DataFormat, n: number): URL {
  return new URL(`${format}-${n}.${format === 'ensign' ? 'pb' : 'json'}`, DATA_DIR);
}

function contents(format: DataFormat, n: number): string | Uint8Array {
  if (format === 'ensign') return encodeRuleSet(workloadRuleSet(n));
  if (format === 'ensign-resources') return JSON.stringify(ensignWorkload(n));
  return peerDocumentText(format, n);
}

export const DATA_FORMATS: readonly DataFormat[] = [
  'ensign',
  'ensign-resources',
  'flagd',
  'flipt',
  'unleash',
];

export function writeDataFiles(sizes: readonly number[]): void {
  mkdirSync(DATA_DIR, { recursive: true });
  for (const n of sizes)
    for (const format of DATA_FORMATS) writeFileSync(dataFile(format, n), contents(format, n));
}
