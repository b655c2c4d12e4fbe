// Flipt's client-version downgrade for the snapshot endpoint. Clients announce the server version
// they understand in `X-Flipt-Accept-Server-Version`; without one (or with one that does not parse)
// the server assumes 1.37.1, the last version before these features existed.

/**
 * What the client can read: 0 = before 1.38 (ENTITY_ID constraints unknown, no defaultVariant),
 * 1 = 1.38 to 1.46 (no defaultVariant), 2 = 1.47 and later (everything).
 */
export type SnapshotLevel = 0 | 1 | 2;

export const SNAPSHOT_LEVELS: readonly SnapshotLevel[] = [0, 1, 2];

type Version = readonly [major: number, minor: number, patch: number, prerelease: boolean];

const DEFAULT_VERSION: Version = [1, 37, 1, false];

/** Lenient semver: optional `v`, missing minor/patch read as 0, pre-release and build suffixes allowed. */
export function parseTolerantVersion(text: string): Version | undefined {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.exec(text.trim());
  if (!match) return undefined;
  return [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0), match[4] !== undefined];
}

/** True when `v` is at least major.minor.0 (a pre-release of that exact version is below it). */
function atLeast(v: Version, major: number, minor: number): boolean {
  if (v[0] !== major) return v[0] > major;
  if (v[1] !== minor) return v[1] > minor;
  return v[2] > 0 || !v[3];
}

export function snapshotLevel(header: string | undefined): SnapshotLevel {
  const version = (header === undefined ? undefined : parseTolerantVersion(header)) ?? DEFAULT_VERSION;
  if (atLeast(version, 1, 47)) return 2;
  if (atLeast(version, 1, 38)) return 1;
  return 0;
}
