// OFREP (OpenFeature Remote Evaluation Protocol) requests and answers, mapped the way Flipt's own
// OFREP server maps them (flipt-io/flipt internal/server/ofrep):
// - variant flag: value = variant = the variant key (a string, "" when no variant was chosen);
//   metadata.attachment = the attachment's JSON text when there is one, metadata.segments = the
//   matched segment keys joined with ",";
// - boolean flag: value = enabled, variant = "true" | "false";
// - reasons: MATCH → TARGETING_MATCH, DEFAULT → DEFAULT, FLAG_DISABLED → DISABLED, else UNKNOWN;
// - `context.targetingKey` is the entity id; the other attributes (and targetingKey) form the
//   evaluation context; `context.flags` ("a,b") limits a bulk evaluation to those keys.
// Ensign additions: the flag's own metadata is included in `metadata` (Flipt's keys win), context
// values that are not strings are stringified, and a missing targetingKey is refused instead of
// being replaced by a random id (which would make answers and ETags unrepeatable).
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { BooleanResult, EvaluationReason, VariantResult } from '../../engine/outcome.ts';
import type { ApiError } from '../api-error.ts';
import type { OutcomeKind } from '../status-table.ts';

export type OfrepErrorCode =
  'PARSE_ERROR' | 'TARGETING_KEY_MISSING' | 'INVALID_CONTEXT' | 'FLAG_NOT_FOUND' | 'GENERAL';

export interface OfrepError {
  readonly kind: OutcomeKind;
  readonly errorCode: OfrepErrorCode;
  readonly details: string;
}

export interface OfrepRequest {
  /** undefined when the context has no targetingKey. */
  readonly targetingKey: string | undefined;
  /** Every context attribute as a string (null-prototype map). */
  readonly context: Readonly<Record<string, string>>;
  /** Keys named by `context.flags`; undefined means every flag. */
  readonly flagKeys: readonly string[] | undefined;
}

export type OfrepParse =
  { readonly ok: true; readonly value: OfrepRequest } | { readonly ok: false; readonly error: OfrepError };

const bodySchema = z.object({ context: z.unknown().optional() });
const contextSchema = z.record(z.string(), z.unknown()).nullish();

function invalid(errorCode: OfrepErrorCode, details: string): OfrepParse {
  return { ok: false, error: { kind: 'INVALID_REQUEST', errorCode, details } };
}

function attributeText(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
      return String(value);
    case 'object':
      return value === null ? undefined : JSON.stringify(value);
    case 'undefined':
    case 'bigint':
    case 'function':
    case 'symbol':
      return undefined;
  }
}

export function parseOfrepRequest(body: Buffer): OfrepParse {
  const text = body.toString('utf8');
  let json: unknown = {};
  if (text.trim() !== '') {
    try {
      json = JSON.parse(text);
    } catch (error) {
      return invalid('PARSE_ERROR', `request body is not valid JSON: ${(error as Error).message}`);
    }
  }
  const parsedBody = bodySchema.safeParse(json);
  if (!parsedBody.success) return invalid('PARSE_ERROR', 'request body must be a JSON object');
  const parsedContext = contextSchema.safeParse(parsedBody.data.context);
  if (!parsedContext.success) return invalid('INVALID_CONTEXT', 'context must be a JSON object');

  const context = Object.create(null) as Record<string, string>;
  for (const [key, value] of Object.entries(parsedContext.data ?? {})) {
    const text = attributeText(value);
    if (text !== undefined) context[key] = text;
  }
  const rawKey = parsedContext.data?.['targetingKey'];
  if (rawKey !== undefined && rawKey !== null && typeof rawKey !== 'string')
    return invalid('INVALID_CONTEXT', 'targetingKey must be a string');
  const flags = context['flags'];
  return {
    ok: true,
    value: {
      targetingKey: rawKey ?? undefined,
      context,
      flagKeys:
        flags === undefined
          ? undefined
          : flags
              .split(',')
              .map((k) => k.trim())
              .filter((k) => k !== ''),
    },
  };
}

export function targetingKeyMissing(): OfrepError {
  return {
    kind: 'INVALID_REQUEST',
    errorCode: 'TARGETING_KEY_MISSING',
    details: 'context.targetingKey is required',
  };
}

export function ofrepErrorOf(error: ApiError): OfrepError {
  const errorCode: OfrepErrorCode =
    error.kind === 'NOT_FOUND'
      ? 'FLAG_NOT_FOUND'
      : error.kind === 'INVALID_REQUEST' || error.kind === 'WRONG_TYPE'
        ? 'INVALID_CONTEXT'
        : 'GENERAL';
  return { kind: error.kind, errorCode, details: error.message };
}

const REASONS: Readonly<Record<EvaluationReason, string>> = {
  MATCH: 'TARGETING_MATCH',
  DEFAULT: 'DEFAULT',
  FLAG_DISABLED: 'DISABLED',
  UNKNOWN: 'UNKNOWN',
};

export function ofrepSuccess(
  result: BooleanResult | VariantResult,
  flagMetadata: Readonly<Record<string, string>>,
): Record<string, unknown> {
  if (result.kind === 'boolean') {
    return {
      key: result.flagKey,
      reason: REASONS[result.reason],
      variant: String(result.enabled),
      value: result.enabled,
      metadata: { ...flagMetadata },
    };
  }
  const metadata: Record<string, string> = { ...flagMetadata };
  if (result.segmentKeys.length > 0) metadata['segments'] = result.segmentKeys.join(',');
  if (result.variantAttachment !== '') metadata['attachment'] = result.variantAttachment;
  return {
    key: result.flagKey,
    reason: REASONS[result.reason],
    variant: result.variantKey,
    value: result.variantKey,
    metadata,
  };
}

export function ofrepFailure(key: string | undefined, error: OfrepError): Record<string, unknown> {
  return { ...(key === undefined ? {} : { key }), errorCode: error.errorCode, errorDetails: error.details };
}

/**
 * Strong ETag of a bulk answer: it changes exactly when the namespace revision or the evaluation
 * context changes, because the answer is a function of those two.
 */
export function bulkEtag(
  namespace: string,
  revision: string,
  context: Readonly<Record<string, string>>,
): string {
  const entries = Object.keys(context)
    .sort()
    .map((key) => [key, context[key]]);
  const digest = createHash('sha1')
    .update(JSON.stringify([namespace, revision, entries]))
    .digest('hex');
  return `"${digest}"`;
}

/** If-None-Match with weak comparison (RFC 9110 §13.1.2): `*`, or any listed tag equal to ours. */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag));
}
