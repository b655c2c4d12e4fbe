// Snapshot bodies are rendered once per (rule-set revision, client downgrade level) and served as
// bytes from then on. The served namespace keeps its rule set only as wire bytes; rendering decodes
// them and drops the decoded copy. One entry per namespace, replaced when its revision changes, so
// a replaced revision's bodies go away with it.
import { createHash } from 'node:crypto';
import { RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';
import type { SnapshotLevel } from './accept-server-version.ts';
import { snapshotDocument } from './snapshot-document.ts';

export interface RenderedSnapshot {
  /** Flipt's snapshot ETag: hex SHA-1 of the namespace version (here: the revision), sent unquoted. */
  readonly etag: string;
  readonly body: Buffer;
}

/** What a snapshot is rendered from (a served namespace fits). */
export interface SnapshotSource {
  readonly namespace: string;
  readonly revision: string;
  /** The RuleSet's protobuf encoding. */
  readonly wire: Uint8Array;
}

export interface SnapshotCache {
  get(source: SnapshotSource, level: SnapshotLevel): RenderedSnapshot;
}

export function snapshotEtag(revision: string): string {
  return createHash('sha1').update(revision).digest('hex');
}

export function createSnapshotCache(): SnapshotCache {
  const entries = new Map<string, { revision: string; etag: string; bodies: Map<SnapshotLevel, Buffer> }>();
  return {
    get(source, level) {
      let entry = entries.get(source.namespace);
      if (entry?.revision !== source.revision) {
        entry = { revision: source.revision, etag: snapshotEtag(source.revision), bodies: new Map() };
        entries.set(source.namespace, entry);
      }
      let body = entry.bodies.get(level);
      if (!body) {
        body = Buffer.from(JSON.stringify(snapshotDocument(RuleSet.decode(source.wire), level)));
        entry.bodies.set(level, body);
      }
      return { etag: entry.etag, body };
    },
  };
}
