import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import type { BooleanResult, VariantResult } from '../../engine/outcome.ts';
import {
  evaluationAttributes,
  flagErrorType,
  flagFailure,
  grpcStatusName,
  isGrpcServerError,
  ofrepErrorType,
  RESULT_REASONS,
} from './feature-flag-attributes.ts';
import type { FlagEvaluationRecord } from './feature-flag-attributes.ts';

const variant: VariantResult = {
  kind: 'variant',
  flagKey: 'color',
  match: true,
  reason: 'MATCH',
  variantKey: 'blue',
  variantAttachment: '',
  segmentKeys: ['vip'],
};

const boolean: BooleanResult = {
  kind: 'boolean',
  flagKey: 'beta',
  enabled: true,
  reason: 'DEFAULT',
  segmentKeys: [],
};

function record(fields: Partial<FlagEvaluationRecord>): FlagEvaluationRecord {
  return {
    flagKey: 'color',
    namespace: 'shop',
    contextId: 'user-42',
    revision: 'r1',
    outcome: { ok: true, result: variant },
    ...fields,
  };
}

describe('RESULT_REASONS', () => {
  it('maps Flipt’s reasons onto OTel’s feature_flag.result.reason values', () => {
    expect(RESULT_REASONS).toEqual({
      MATCH: 'targeting_match',
      DEFAULT: 'default',
      FLAG_DISABLED: 'disabled',
      UNKNOWN: 'unknown',
    });
  });
});

describe('evaluationAttributes', () => {
  it('describes a variant result with its variant, reason, flag set, version and context id', () => {
    expect(evaluationAttributes(record({}), true)).toEqual({
      'feature_flag.key': 'color',
      'feature_flag.provider.name': 'ensign',
      'feature_flag.set.id': 'shop',
      'feature_flag.version': 'r1',
      'feature_flag.context.id': 'user-42',
      'feature_flag.result.reason': 'targeting_match',
      'feature_flag.result.variant': 'blue',
    });
  });

  it('gives a boolean flag its value, since it has no variant', () => {
    const attributes = evaluationAttributes(
      record({ flagKey: 'beta', outcome: { ok: true, result: boolean } }),
      true,
    );
    expect(attributes['feature_flag.result.value']).toBe(true);
    expect(attributes['feature_flag.result.reason']).toBe('default');
    expect(attributes).not.toHaveProperty('feature_flag.result.variant');
  });

  it('leaves the variant out when no variant was chosen', () => {
    const none: VariantResult = { ...variant, match: false, reason: 'UNKNOWN', variantKey: '' };
    const attributes = evaluationAttributes(record({ outcome: { ok: true, result: none } }), true);
    expect(attributes).not.toHaveProperty('feature_flag.result.variant');
    expect(attributes['feature_flag.result.reason']).toBe('unknown');
  });

  it('omits the context id when recording it is turned off, or when there is none', () => {
    expect(evaluationAttributes(record({}), false)).not.toHaveProperty('feature_flag.context.id');
    expect(evaluationAttributes(record({ contextId: '' }), true)).not.toHaveProperty(
      'feature_flag.context.id',
    );
  });

  it('describes a failure with reason error, error.type and the message', () => {
    const failed = record({
      revision: undefined,
      outcome: flagFailure({ kind: 'NOT_FOUND', message: 'flag "shop/color" not found' }),
    });
    expect(evaluationAttributes(failed, true)).toEqual({
      'feature_flag.key': 'color',
      'feature_flag.provider.name': 'ensign',
      'feature_flag.set.id': 'shop',
      'feature_flag.context.id': 'user-42',
      'feature_flag.result.reason': 'error',
      'error.type': 'flag_not_found',
      'feature_flag.error.message': 'flag "shop/color" not found',
    });
  });
});

describe('error types', () => {
  it('maps API outcome kinds onto OTel’s feature-flag error types', () => {
    expect(flagErrorType('NOT_FOUND')).toBe('flag_not_found');
    expect(flagErrorType('WRONG_TYPE')).toBe('type_mismatch');
    expect(flagErrorType('INVALID_REQUEST')).toBe('parse_error');
    expect(flagErrorType('UNAVAILABLE')).toBe('provider_not_ready');
    expect(flagErrorType('PERMISSION_DENIED')).toBe('general');
    expect(flagErrorType('INTERNAL')).toBe('general');
  });

  it('prefers OFREP’s precise error codes and falls back to the kind for GENERAL', () => {
    const ofrep = (
      errorCode: Parameters<typeof ofrepErrorType>[0]['errorCode'],
      kind = 'INVALID_REQUEST' as const,
    ) => ofrepErrorType({ kind, errorCode, details: '' });
    expect(ofrep('TARGETING_KEY_MISSING')).toBe('targeting_key_missing');
    expect(ofrep('INVALID_CONTEXT')).toBe('invalid_context');
    expect(ofrep('PARSE_ERROR')).toBe('parse_error');
    expect(ofrep('FLAG_NOT_FOUND')).toBe('flag_not_found');
    expect(ofrepErrorType({ kind: 'UNAVAILABLE', errorCode: 'GENERAL', details: '' })).toBe(
      'provider_not_ready',
    );
  });
});

describe('gRPC status attributes', () => {
  it('names status codes the way rpc.status_code wants them', () => {
    expect(grpcStatusName(status.OK)).toBe('OK');
    expect(grpcStatusName(status.NOT_FOUND)).toBe('NOT_FOUND');
    // A code from a newer peer that grpc-js has no name for.
    const unknownCode = 99;
    expect(grpcStatusName(unknownCode)).toBe('99');
  });

  it('counts only server-side codes as span errors', () => {
    expect(isGrpcServerError(status.INTERNAL)).toBe(true);
    expect(isGrpcServerError(status.UNAVAILABLE)).toBe(true);
    expect(isGrpcServerError(status.NOT_FOUND)).toBe(false);
    expect(isGrpcServerError(status.PERMISSION_DENIED)).toBe(false);
  });
});
