// Snapshot bodies are rendered once per (rule-set revision, client downgrade level) and served as
// bytes from then on. Entries are keyed by the RuleSet object, so a replaced revision's bytes go
// away with it.
import { createHash } from 'node:crypto';
import type { RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';
import type { SnapshotLevel } from './accept-server-version.ts';
import { snapshotDocument } from './snapshot-document.ts';

export interface RenderedSnapshot {
  /** Flipt's snapshot ETag: hex SHA-1 of the namespace version (here: the revision), sent unquoted. */
  readonly etag: string;
  readonly body: Buffer;
}

export interface SnapshotCache {
  get(ruleSet: RuleSet, level: SnapshotLevel): RenderedSnapshot;
}

export function snapshotEtag(revision: string): string {
  return createHash('sha1').update(revision).digest('hex');
}

export function createSnapshotCache(): SnapshotCache {
  const entries = new WeakMap<RuleSet, { etag: string; bodies: Map<SnapshotLevel, Buffer> }>();
  return {
    get(ruleSet, level) {
      let entry = entries.get(ruleSet);
      if (!entry) {
        entry = { etag: snapshotEtag(ruleSet.revision), bodies: new Map() };
        entries.set(ruleSet, entry);
      }
      let body = entry.bodies.get(level);
      if (!body) {
        body = Buffer.from(JSON.stringify(snapshotDocument(ruleSet, level)));
        entry.bodies.set(level, body);
      }
      return { etag: entry.etag, body };
    },
  };
}
