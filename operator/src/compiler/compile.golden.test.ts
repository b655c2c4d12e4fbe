// Golden test: compiles testdata/shop.yaml and compares the RuleSet with the readable JSON in
// testdata/shop.golden.json. Regenerate deliberately with UPDATE_GOLDEN=1 and review the diff.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  ConstraintType,
  FlagType,
  MatchType,
  RuleSet,
  SegmentOperator,
} from '@ensign/proto/ensign/sync/v1/sync.ts';
import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { Flag } from '../api/flag.ts';
import { parseResource } from '../api/parse.ts';
import type { Segment } from '../api/segment.ts';
import { compile } from './compile.ts';

const fixture = new URL('testdata/shop.yaml', import.meta.url);
const golden = new URL('testdata/shop.golden.json', import.meta.url);

function loadFixture(): { flags: Flag[]; segments: Segment[] } {
  const flags: Flag[] = [];
  const segments: Segment[] = [];
  for (const doc of parseAllDocuments(readFileSync(fixture, 'utf8'))) {
    const parsed = parseResource(doc.toJS());
    if (!parsed.ok) throw new Error(`invalid fixture document: ${JSON.stringify(parsed.issues)}`);
    const resource = parsed.value;
    if (resource.kind === 'Flag') flags.push(resource);
    else if (resource.kind === 'Segment') segments.push(resource);
    else throw new Error(`unexpected kind ${resource.kind} in the fixture`);
  }
  return { flags, segments };
}

/**
 * JSON with enum numbers shown by name and an absent operand shown as null, for review; laid out by
 * prettier with the repository's settings so `npm run format` leaves the golden file alone.
 */
async function render(ruleSet: RuleSet): Promise<string> {
  const options = await resolveConfig(fileURLToPath(golden));
  return format(JSON.stringify(ruleSet, renderEnums, 2), { ...options, parser: 'json' });
}

function renderEnums(this: unknown, key: string, value: unknown): unknown {
  const holder = this as Record<string, unknown>;
  if (key === 'operand' && value === undefined) return null;
  if (typeof value !== 'number') return value;
  if (key === 'segmentOperator') return nameOf(SegmentOperator, value);
  if (key === 'matchType') return nameOf(MatchType, value);
  if (key === 'type' && 'variants' in holder) return nameOf(FlagType, value);
  if (key === 'type' && 'operator' in holder) return nameOf(ConstraintType, value);
  return value;
}

function nameOf(values: Readonly<Record<string, number>>, value: number): string {
  return Object.keys(values).find((name) => values[name] === value) ?? `unknown enum value ${value}`;
}

describe('compile: golden', () => {
  const { flags, segments } = loadFixture();
  const result = compile({ namespace: 'shop', flags, segments });

  it('compiles the shop fixture without diagnostics', () => {
    expect(result.diagnostics).toEqual([]);
    expect(result.objects.every((o) => o.ready)).toBe(true);
  });

  it('compiles the shop fixture to the golden rule set', async () => {
    const actual = await render(result.ruleSet);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden, actual);
    expect(actual).toBe(readFileSync(golden, 'utf8'));
  });

  it('survives an encode/decode round trip unchanged', () => {
    expect(RuleSet.decode(RuleSet.encode(result.ruleSet).finish())).toEqual(result.ruleSet);
  });
});
