import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { OUTCOME_KINDS, STATUS_TABLE, transportStatus } from './status-table.ts';
import type { OutcomeKind } from './status-table.ts';

// Golden rows: [kind, gRPC status name, gRPC code, HTTP status]. The names are checked against
// grpc-js's own enum so a typo in a number cannot hide.
const GOLDEN: readonly (readonly [OutcomeKind, keyof typeof status, number, number])[] = [
  ['NOT_FOUND', 'NOT_FOUND', 5, 404],
  ['WRONG_TYPE', 'INVALID_ARGUMENT', 3, 400],
  ['INVALID_REQUEST', 'INVALID_ARGUMENT', 3, 400],
  ['UNAUTHENTICATED', 'UNAUTHENTICATED', 16, 401],
  ['PERMISSION_DENIED', 'PERMISSION_DENIED', 7, 403],
  ['UNAVAILABLE', 'UNAVAILABLE', 14, 503],
  ['INTERNAL', 'INTERNAL', 13, 500],
  ['ROUTE_NOT_FOUND', 'NOT_FOUND', 5, 404],
  ['METHOD_NOT_ALLOWED', 'UNIMPLEMENTED', 12, 405],
  ['PAYLOAD_TOO_LARGE', 'RESOURCE_EXHAUSTED', 8, 413],
];

describe('status table', () => {
  it.each(GOLDEN)('maps %s to gRPC %s (%i) and HTTP %i', (kind, grpcName, grpcCode, http) => {
    expect(status[grpcName]).toBe(grpcCode);
    expect(transportStatus(kind)).toEqual({ grpc: grpcCode, http });
  });

  it('has exactly one golden row per outcome kind', () => {
    expect(GOLDEN.map(([kind]) => kind).sort()).toEqual([...OUTCOME_KINDS].sort());
    expect(Object.keys(STATUS_TABLE)).toHaveLength(GOLDEN.length);
  });
});
