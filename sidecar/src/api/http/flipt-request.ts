// Decoding of Flipt REST request bodies the way Flipt's gateway decodes them: lowerCamel and
// snake_case field names both accepted (lowerCamel wins when both are given), unknown fields
// ignored, `null` anywhere meaning "not set" (null context values are dropped), an empty body
// meaning an empty request, and a JSON value of the wrong type rejected as a whole.
import { z } from 'zod';
import type { BatchEvaluationRequest, EvaluationRequest } from '@ensign/proto/flipt/evaluation/evaluation.ts';
import { fail, ok } from '../api-error.ts';
import type { ApiResult } from '../api-error.ts';

/** Flipt's message for a body whose values do not fit the request message. */
export const INVALID_VALUES_MESSAGE = 'invalid values for key(s) in json body';

const optionalString = z.string().nullish();
const context = z.record(z.string(), z.string().nullable()).nullish();

const evaluationRequestFields = {
  requestId: optionalString,
  request_id: optionalString,
  namespaceKey: optionalString,
  namespace_key: optionalString,
  flagKey: optionalString,
  flag_key: optionalString,
  entityId: optionalString,
  entity_id: optionalString,
  context,
  reference: optionalString,
  environmentKey: optionalString,
  environment_key: optionalString,
};

type RawEvaluationRequest = z.infer<z.ZodObject<typeof evaluationRequestFields>>;

/** A null-prototype map, so context keys such as `constructor` read as absent, not as Object's. */
function contextMap(raw: Readonly<Record<string, string | null>> | null | undefined): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  if (raw) for (const [key, value] of Object.entries(raw)) if (value !== null) out[key] = value;
  return out;
}

function toEvaluationRequest(r: RawEvaluationRequest): EvaluationRequest {
  return {
    requestId: r.requestId ?? r.request_id ?? '',
    namespaceKey: r.namespaceKey ?? r.namespace_key ?? '',
    flagKey: r.flagKey ?? r.flag_key ?? '',
    entityId: r.entityId ?? r.entity_id ?? '',
    context: contextMap(r.context),
    reference: r.reference ?? '',
    environmentKey: r.environmentKey ?? r.environment_key ?? '',
  };
}

const evaluationRequestSchema = z.object(evaluationRequestFields).transform(toEvaluationRequest);

const batchRequestSchema = z
  .object({
    requestId: optionalString,
    request_id: optionalString,
    requests: z.array(evaluationRequestSchema).nullish(),
    reference: optionalString,
  })
  .transform((r): BatchEvaluationRequest => ({
    requestId: r.requestId ?? r.request_id ?? '',
    requests: r.requests ?? [],
    reference: r.reference ?? '',
  }));

function parseBody<T>(body: Buffer, schema: z.ZodType<T>): ApiResult<T> {
  const text = body.toString('utf8');
  let json: unknown = {};
  if (text.trim() !== '') {
    try {
      json = JSON.parse(text);
    } catch (error) {
      return fail('INVALID_REQUEST', `invalid JSON in request body: ${(error as Error).message}`);
    }
  }
  const parsed = schema.safeParse(json ?? {});
  return parsed.success ? ok(parsed.data) : fail('INVALID_REQUEST', INVALID_VALUES_MESSAGE);
}

export function parseEvaluationRequest(body: Buffer): ApiResult<EvaluationRequest> {
  return parseBody(body, evaluationRequestSchema);
}

export function parseBatchEvaluationRequest(body: Buffer): ApiResult<BatchEvaluationRequest> {
  return parseBody(body, batchRequestSchema);
}
