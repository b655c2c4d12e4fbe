import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { FlagType } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { testApiDeps } from '../test-support/api-deps.ts';
import type { TestApiDeps } from '../test-support/api-deps.ts';
import { DEFAULT_RULE_SET, hashedRuleSet } from '../test-support/rule-sets.ts';
import { createEvaluationHttpServer } from './create-evaluation-http-server.ts';
import type { EvaluationHttpDeps } from './create-evaluation-http-server.ts';
import { snapshotEtag } from './snapshot-cache.ts';

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function start(deps: EvaluationHttpDeps = testApiDeps()): Promise<string> {
  const server = createEvaluationHttpServer(deps);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function post(base: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const FIRST_ID = '00000000-0000-4000-8000-000000000001';

describe('Flipt REST evaluation', () => {
  it('answers the §7.2 variant example with Flipt’s exact JSON', async () => {
    const base = await start();
    const res = await post(base, '/evaluate/v1/variant', {
      namespaceKey: 'default',
      flagKey: 'flag_001',
      entityId: 'some-fixed-entity-id',
      context: { in_segment: 'segment_005' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.text()).toBe(
      '{"match":true,"segmentKeys":["segment_005"],"reason":"MATCH_EVALUATION_REASON","variantKey":"variant_002",' +
        `"variantAttachment":"{\\"color\\":\\"blue\\"}","requestId":"${FIRST_ID}","requestDurationMillis":0.25,` +
        '"timestamp":"2025-01-01T00:00:00.123Z","flagKey":"flag_001"}',
    );
  });

  it('answers Boolean with every field present', async () => {
    const base = await start();
    const res = await post(base, '/evaluate/v1/boolean', { flagKey: 'flag_boolean', entityId: 'hello' });
    expect(await res.json()).toEqual({
      enabled: false,
      reason: 'DEFAULT_EVALUATION_REASON',
      requestId: FIRST_ID,
      requestDurationMillis: 0.25,
      timestamp: '2025-01-01T00:00:00.123Z',
      flagKey: 'flag_boolean',
      segmentKeys: [],
    });
  });

  it('accepts snake_case field names and ignores unknown fields', async () => {
    const base = await start();
    const res = await post(base, '/evaluate/v1/variant', {
      request_id: 'r-9',
      namespace_key: 'default',
      flag_key: 'flag_001',
      entity_id: 'some-fixed-entity-id',
      context: { in_segment: 'segment_005', cohort: null },
      client: 'curl',
    });
    expect(await res.json()).toMatchObject({ variantKey: 'variant_002', requestId: 'r-9' });
  });

  it('answers a batch with Flipt’s item shapes, error items included', async () => {
    const base = await start();
    const res = await post(base, '/evaluate/v1/batch', {
      requestId: 'b-1',
      requests: [
        { requestId: '1', flagKey: 'flag_boolean', entityId: 'fixed' },
        { requestId: '2', namespaceKey: 'default', flagKey: 'nope' },
      ],
    });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toContain(
      '{"type":"ERROR_EVALUATION_RESPONSE_TYPE","errorResponse":{"flagKey":"nope","namespaceKey":"default","reason":"NOT_FOUND_ERROR_EVALUATION_REASON"}}',
    );
    expect(JSON.parse(text)).toMatchObject({
      requestId: 'b-1',
      requestDurationMillis: 0.25,
      responses: [
        {
          type: 'BOOLEAN_EVALUATION_RESPONSE_TYPE',
          booleanResponse: { enabled: true, requestId: '1', timestamp: '2025-01-01T00:00:00.123Z' },
        },
        { type: 'ERROR_EVALUATION_RESPONSE_TYPE' },
      ],
    });
  });

  it('edge case 35 over HTTP: an item without namespaceKey evaluates default and its error echoes ""', async () => {
    const base = await start();
    const res = await post(base, '/evaluate/v1/batch', {
      requests: [{ flagKey: 'flag_default' }, { flagKey: 'nope' }],
    });
    const body = (await res.json()) as { responses: Record<string, unknown>[] };
    expect(body.responses[0]).toMatchObject({ variantResponse: { variantKey: 'blue' } });
    expect(body.responses[1]).toEqual({
      type: 'ERROR_EVALUATION_RESPONSE_TYPE',
      errorResponse: { flagKey: 'nope', namespaceKey: '', reason: 'NOT_FOUND_ERROR_EVALUATION_REASON' },
    });
  });

  it.each([
    [
      'a missing flag',
      { flagKey: 'x' },
      404,
      '{"code":5,"message":"flag \\"default/x\\" not found","details":[]}',
    ],
    [
      'an unknown namespace',
      { namespaceKey: 'nowhere', flagKey: 'x' },
      404,
      '{"code":5,"message":"flag \\"nowhere/x\\" not found","details":[]}',
    ],
    [
      'a boolean flag asked for a variant',
      { flagKey: 'flag_boolean' },
      400,
      '{"code":3,"message":"flag type BOOLEAN_FLAG_TYPE invalid","details":[]}',
    ],
    [
      'a context of the wrong type',
      { flagKey: 'flag_001', context: 'hello' },
      400,
      '{"code":3,"message":"invalid values for key(s) in json body","details":[]}',
    ],
  ])('answers %s with Flipt’s error body', async (_name, body, status, expected) => {
    const base = await start();
    const res = await post(base, '/evaluate/v1/variant', body);
    expect(res.status).toBe(status);
    expect(await res.text()).toBe(expected);
  });

  it('answers malformed JSON with 400 and code 3', async () => {
    const base = await start();
    const res = await post(base, '/evaluate/v1/boolean', '{"flagKey": "flag_boolean"');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 3, details: [] });
  });

  it('indents the answer for application/json+pretty', async () => {
    const base = await start();
    const res = await post(
      base,
      '/evaluate/v1/boolean',
      { flagKey: 'nope' },
      { 'content-type': 'application/json+pretty' },
    );
    expect(await res.text()).toBe(
      '{\n  "code": 5,\n  "message": "flag \\"default/nope\\" not found",\n  "details": []\n}',
    );
  });

  it('refuses a body over 1 MiB with 413', async () => {
    const base = await start();
    const res = await post(base, '/evaluate/v1/variant', { flagKey: 'x', pad: 'x'.repeat(1024 * 1024) });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      code: 8,
      message: 'request body is larger than 1048576 bytes',
      details: [],
    });
  });

  it('refuses a chunked body once it passes the limit', async () => {
    const base = await start({ ...testApiDeps(), maxBodyBytes: 64 });
    const url = new URL(base);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        { host: url.hostname, port: url.port, path: '/evaluate/v1/variant', method: 'POST' },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write('{"flagKey":"' + 'x'.repeat(100));
      req.end('"}');
    });
    expect(status).toBe(413);
  });

  it('answers other methods with 405 and an Allow header', async () => {
    const base = await start();
    const res = await fetch(`${base}/evaluate/v1/variant`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(await res.json()).toEqual({ code: 12, message: 'Method Not Allowed', details: [] });
  });

  it('answers unknown paths with 404', async () => {
    const base = await start();
    const res = await post(base, '/evaluate/v2/variant', {});
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ code: 5, message: 'Not Found', details: [] });
  });

  it('answers 503 with code 14 for a namespace that has not arrived while not ready', async () => {
    const deps = testApiDeps();
    deps.readiness.set('waiting');
    const base = await start(deps);
    const res = await post(base, '/evaluate/v1/variant', { namespaceKey: 'later', flagKey: 'x' });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 14 });
  });

  it('runs every request through the authenticate hook with its headers', async () => {
    const seen: (string | undefined)[] = [];
    const deps = testApiDeps({
      authenticate: (request) => {
        seen.push(request.header('authorization'));
        return { ok: false, error: { kind: 'UNAUTHENTICATED', message: 'request was not authenticated' } };
      },
    });
    const base = await start(deps);
    const flipt = await post(base, '/evaluate/v1/variant', {}, { authorization: 'Bearer abc' });
    const ofrep = await post(base, '/ofrep/v1/evaluate/flags/flag_001', {});
    const snapshot = await fetch(`${base}/internal/v1/evaluation/snapshot/namespace/default`);
    expect([flipt.status, ofrep.status, snapshot.status]).toEqual([401, 401, 401]);
    expect(await flipt.json()).toEqual({ code: 16, message: 'request was not authenticated', details: [] });
    expect(await ofrep.json()).toEqual({
      key: 'flag_001',
      errorCode: 'GENERAL',
      errorDetails: 'request was not authenticated',
    });
    expect(seen).toEqual(['Bearer abc', undefined, undefined]);
  });
});

describe('OFREP', () => {
  const evaluate = (base: string, key: string, context: unknown, headers?: Record<string, string>) =>
    post(base, `/ofrep/v1/evaluate/flags/${key}`, { context }, headers);

  it('evaluates a variant flag like Flipt: the variant key as value, attachment and segments in metadata', async () => {
    const base = await start();
    const res = await evaluate(base, 'flag_001', {
      targetingKey: 'some-fixed-entity-id',
      in_segment: 'segment_005',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      key: 'flag_001',
      reason: 'TARGETING_MATCH',
      variant: 'variant_002',
      value: 'variant_002',
      metadata: { segments: 'segment_005', attachment: '{"color":"blue"}' },
    });
  });

  it('evaluates a boolean flag to its enabled value with variant "true"/"false"', async () => {
    const base = await start();
    const res = await evaluate(base, 'flag_boolean', { targetingKey: 'fixed' });
    expect(await res.json()).toEqual({
      key: 'flag_boolean',
      reason: 'TARGETING_MATCH',
      variant: 'true',
      value: true,
      metadata: {},
    });
  });

  it('includes the flag’s own metadata and uses targetingKey as the entity id', async () => {
    const base = await start();
    const res = await evaluate(base, 'flag_vip', { targetingKey: 'user@flipt.io' });
    expect(await res.json()).toMatchObject({
      value: 'silver',
      metadata: { team: 'growth', segments: 'vip,everyone' },
    });
  });

  it('reports a disabled variant flag as DISABLED with its default variant', async () => {
    const base = await start();
    const res = await evaluate(base, 'flag_disabled', { targetingKey: 'u' });
    expect(await res.json()).toMatchObject({
      reason: 'DISABLED',
      value: 'bar',
      metadata: { attachment: '{"bar":"baz"}' },
    });
  });

  it('takes the namespace from x-flipt-namespace', async () => {
    const base = await start();
    const res = await evaluate(base, 'checkout', { targetingKey: 'u' }, { 'x-flipt-namespace': 'shop' });
    expect(await res.json()).toMatchObject({ key: 'checkout', value: true, reason: 'DEFAULT' });
  });

  it.each([
    ['a missing targetingKey', { plan: 'pro' }, 400, 'TARGETING_KEY_MISSING'],
    ['a context that is not an object', 'x', 400, 'INVALID_CONTEXT'],
  ])('answers %s with 400 %s', async (_name, context, status, errorCode) => {
    const base = await start();
    const res = await evaluate(base, 'flag_001', context);
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ key: 'flag_001', errorCode });
  });

  it('answers malformed JSON with 400 PARSE_ERROR', async () => {
    const base = await start();
    const res = await post(base, '/ofrep/v1/evaluate/flags/flag_001', '{"context":');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ key: 'flag_001', errorCode: 'PARSE_ERROR' });
  });

  it('answers an unknown flag with 404 FLAG_NOT_FOUND', async () => {
    const base = await start();
    const res = await evaluate(base, 'nope', { targetingKey: 'u' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      key: 'nope',
      errorCode: 'FLAG_NOT_FOUND',
      errorDetails: 'flag "default/nope" not found',
    });
  });

  it('evaluates in bulk every boolean flag and every enabled variant flag, with a strong ETag', async () => {
    const base = await start();
    const res = await post(base, '/ofrep/v1/evaluate/flags', { context: { targetingKey: 'fixed' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]{40}"$/);
    const body = (await res.json()) as { flags: { key: string }[] };
    expect(body.flags.map((f) => f.key)).toEqual(['flag_001', 'flag_boolean', 'flag_default', 'flag_vip']);
    expect(body.flags[1]).toEqual({
      key: 'flag_boolean',
      reason: 'TARGETING_MATCH',
      variant: 'true',
      value: true,
      metadata: {},
    });
  });

  it('gives the same ETag for the same context and revision, another for another context, and 304 on a match', async () => {
    const deps = testApiDeps();
    const base = await start(deps);
    const bulk = (context: unknown, headers?: Record<string, string>) =>
      post(base, '/ofrep/v1/evaluate/flags', { context }, headers);
    const first = (await bulk({ targetingKey: 'u', plan: 'pro' })).headers.get('etag') ?? '';
    expect((await bulk({ plan: 'pro', targetingKey: 'u' })).headers.get('etag')).toBe(first);
    expect((await bulk({ targetingKey: 'v', plan: 'pro' })).headers.get('etag')).not.toBe(first);

    const cached = await bulk({ targetingKey: 'u', plan: 'pro' }, { 'if-none-match': first });
    expect(cached.status).toBe(304);
    expect(cached.headers.get('etag')).toBe(first);
    expect(await cached.text()).toBe('');

    deps.lookup.set(
      hashedRuleSet({ ...DEFAULT_RULE_SET, revision: '', flags: DEFAULT_RULE_SET.flags.slice(1) }),
    );
    const changed = await bulk({ targetingKey: 'u', plan: 'pro' }, { 'if-none-match': first });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(first);
  });

  it('limits a bulk evaluation to context.flags and reports unknown keys inline', async () => {
    const base = await start();
    const res = await post(base, '/ofrep/v1/evaluate/flags', {
      context: { targetingKey: 'u', flags: 'flag_default,nope' },
    });
    expect(await res.json()).toEqual({
      flags: [
        {
          key: 'flag_default',
          reason: 'DEFAULT',
          variant: 'blue',
          value: 'blue',
          metadata: { attachment: '{"hex":"#00f"}' },
        },
        { key: 'nope', errorCode: 'FLAG_NOT_FOUND', errorDetails: 'flag "default/nope" not found' },
      ],
    });
  });

  it('refuses a bulk evaluation without targetingKey with 400 TARGETING_KEY_MISSING', async () => {
    const base = await start();
    const res = await post(base, '/ofrep/v1/evaluate/flags', { context: {} });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      errorCode: 'TARGETING_KEY_MISSING',
      errorDetails: 'context.targetingKey is required',
    });
  });

  it('answers a bulk evaluation of an unserved namespace with 404', async () => {
    const base = await start();
    const res = await post(
      base,
      '/ofrep/v1/evaluate/flags',
      { context: { targetingKey: 'u' } },
      { 'x-flipt-namespace': 'nowhere' },
    );
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      errorCode: 'FLAG_NOT_FOUND',
      errorDetails: 'namespace "nowhere" not found',
    });
  });
});

describe('client snapshot', () => {
  const snapshot = (base: string, ns: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/internal/v1/evaluation/snapshot/namespace/${ns}`, { headers });

  it('edge case 36: snapshot ETag is hex sha1 of the revision and If-None-Match gives 304 with empty body', async () => {
    const base = await start();
    const res = await snapshot(base, 'default');
    expect(res.status).toBe(200);
    const etag = res.headers.get('etag');
    expect(etag).toBe(snapshotEtag(DEFAULT_RULE_SET.revision));
    expect(etag).toMatch(/^[0-9a-f]{40}$/);
    const again = await snapshot(base, 'default', { 'if-none-match': etag ?? '' });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(await again.text()).toBe('');
  });

  it('downgrades for a client that sends no version: ENTITY_ID as UNKNOWN and no defaultVariant', async () => {
    const base = await start();
    const text = await (await snapshot(base, 'default')).text();
    expect(text).not.toContain('ENTITY_ID_CONSTRAINT_COMPARISON_TYPE');
    expect(text).toContain('UNKNOWN_CONSTRAINT_COMPARISON_TYPE');
    expect(text).not.toContain('defaultVariant');
  });

  it('keeps ENTITY_ID and includes defaultVariant for a 1.47.0 client', async () => {
    const base = await start();
    const body = (await (
      await snapshot(base, 'default', { 'x-flipt-accept-server-version': '1.47.0' })
    ).json()) as { namespace: unknown; flags: { key: string; defaultVariant?: unknown }[] };
    expect(body.namespace).toEqual({ key: 'default' });
    expect(JSON.stringify(body)).toContain('ENTITY_ID_CONSTRAINT_COMPARISON_TYPE');
    expect(body.flags.find((f) => f.key === 'flag_default')?.defaultVariant).toEqual({
      id: 'flag_default/variant/blue',
      key: 'blue',
      attachment: '{"hex":"#00f"}',
    });
  });

  it('answers an unknown namespace with 404 and Flipt’s error body', async () => {
    const base = await start();
    const res = await snapshot(base, 'nowhere');
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('{"code":5,"message":"namespace \\"nowhere\\" not found","details":[]}');
  });

  it('serves a new ETag and document once the namespace has a new revision', async () => {
    const deps: TestApiDeps = testApiDeps();
    const base = await start(deps);
    const before = (await snapshot(base, 'shop')).headers.get('etag');
    deps.lookup.set(
      hashedRuleSet({
        namespace: 'shop',
        flags: [{ key: 'cart', name: 'Cart', type: FlagType.FLAG_TYPE_BOOLEAN, enabled: true }],
      }),
    );
    const after = await snapshot(base, 'shop', { 'if-none-match': before ?? '' });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(before);
    expect(await after.json()).toMatchObject({ flags: [{ key: 'cart', type: 'BOOLEAN_FLAG_TYPE' }] });
  });
});
