import { describe, expect, it } from 'vitest';
import {
  batchResponseJson,
  booleanResponseJson,
  evaluationResponseJson,
  statusJson,
  timestampJson,
  variantResponseJson,
} from './flipt-json.ts';

describe('Flipt gateway JSON', () => {
  it.each([
    ['2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00Z'],
    ['2025-01-01T00:00:00.120Z', '2025-01-01T00:00:00.120Z'],
    ['2025-06-30T23:59:59.001Z', '2025-06-30T23:59:59.001Z'],
  ])('prints the timestamp %s as %s', (iso, expected) => {
    expect(timestampJson(new Date(iso))).toBe(expected);
  });

  it('prints a variant response with every field, enum names and field-number order', () => {
    const json = variantResponseJson({
      match: false,
      segmentKeys: [],
      reason: 0,
      variantKey: '',
      variantAttachment: '',
      requestId: 'r',
      requestDurationMillis: 0.25,
      timestamp: new Date('2025-01-01T00:00:00.123Z'),
      flagKey: 'f',
    });
    expect(JSON.stringify(json)).toBe(
      '{"match":false,"segmentKeys":[],"reason":"UNKNOWN_EVALUATION_REASON","variantKey":"","variantAttachment":"",' +
        '"requestId":"r","requestDurationMillis":0.25,"timestamp":"2025-01-01T00:00:00.123Z","flagKey":"f"}',
    );
  });

  it('prints a boolean response in field-number order', () => {
    const json = booleanResponseJson({
      enabled: true,
      reason: 2,
      requestId: '',
      requestDurationMillis: 1,
      timestamp: new Date('2025-01-01T00:00:00Z'),
      flagKey: 'b',
      segmentKeys: ['s'],
    });
    expect(JSON.stringify(json)).toBe(
      '{"enabled":true,"reason":"MATCH_EVALUATION_REASON","requestId":"","requestDurationMillis":1,' +
        '"timestamp":"2025-01-01T00:00:00Z","flagKey":"b","segmentKeys":["s"]}',
    );
  });

  it('leaves an unset timestamp out', () => {
    const json = booleanResponseJson({
      enabled: false,
      reason: 3,
      requestId: '',
      requestDurationMillis: 0,
      timestamp: undefined,
      flagKey: 'b',
      segmentKeys: [],
    });
    expect(json).not.toHaveProperty('timestamp');
  });

  it('prints a batch error item the way Flipt’s example shows it', () => {
    const item = evaluationResponseJson({
      type: 2,
      response: { $case: 'errorResponse', value: { flagKey: 'nope', namespaceKey: 'default', reason: 1 } },
    });
    expect(JSON.stringify(item)).toBe(
      '{"type":"ERROR_EVALUATION_RESPONSE_TYPE","errorResponse":{"flagKey":"nope","namespaceKey":"default","reason":"NOT_FOUND_ERROR_EVALUATION_REASON"}}',
    );
  });

  it('prints a batch with its items in order', () => {
    const json = batchResponseJson({
      requestId: 'b',
      requestDurationMillis: 2,
      responses: [
        {
          type: 2,
          response: { $case: 'errorResponse', value: { flagKey: 'x', namespaceKey: '', reason: 0 } },
        },
      ],
    });
    expect(JSON.stringify(json)).toBe(
      '{"requestId":"b","responses":[{"type":"ERROR_EVALUATION_RESPONSE_TYPE","errorResponse":{"flagKey":"x","namespaceKey":"","reason":"UNKNOWN_ERROR_EVALUATION_REASON"}}],"requestDurationMillis":2}',
    );
  });

  it('prints errors as grpc-gateway status bodies', () => {
    expect(JSON.stringify(statusJson(5, 'flag "default/x" not found'))).toBe(
      '{"code":5,"message":"flag \\"default/x\\" not found","details":[]}',
    );
  });
});
