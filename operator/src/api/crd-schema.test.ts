import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { convertNode, toCrdSchema } from './crd-schema.ts';

const resource = (spec: z.ZodType) =>
  z.object({
    apiVersion: z.literal('x.dev/v1'),
    kind: z.literal('X'),
    metadata: z.object({ name: z.string() }),
    spec,
  });

describe('toCrdSchema', () => {
  it('gives the root fields their standard shape and keeps only spec required', () => {
    const schema = toCrdSchema(resource(z.object({ a: z.string().max(3) })));
    expect(schema).toEqual({
      type: 'object',
      required: ['spec'],
      properties: {
        apiVersion: { type: 'string', description: expect.any(String) as unknown },
        kind: { type: 'string', description: expect.any(String) as unknown },
        metadata: { type: 'object' },
        spec: { type: 'object', required: ['a'], properties: { a: { type: 'string', maxLength: 3 } } },
      },
    });
  });

  it('turns JSON values into preserve-unknown-fields nodes without $ref or definitions', () => {
    const schema = toCrdSchema(
      resource(
        z.object({
          data: z
            .json()
            .optional()
            .meta({ 'x-kubernetes-preserve-unknown-fields': true })
            .describe('Any JSON.'),
        }),
      ),
    );
    expect(JSON.stringify(schema)).not.toMatch(/\$ref|definitions|anyOf/);
    expect((schema.properties as Record<string, { properties: unknown }>).spec?.properties).toEqual({
      data: { description: 'Any JSON.', 'x-kubernetes-preserve-unknown-fields': true },
    });
  });

  it('writes integers as int64 without JavaScript’s safe-integer bounds', () => {
    expect(convertNode({ type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER }, '.n')).toEqual({
      type: 'integer',
      format: 'int64',
      minimum: 0,
    });
  });

  it('keeps defaults and descriptions and drops additionalProperties: false', () => {
    const schema = toCrdSchema(
      resource(z.strictObject({ on: z.boolean().default(false).describe('Switch.') })),
    );
    expect((schema.properties as Record<string, unknown>).spec).toEqual({
      type: 'object',
      properties: { on: { type: 'boolean', default: false, description: 'Switch.' } },
    });
  });

  it('refuses unions, which a structural schema cannot express', () => {
    expect(() => toCrdSchema(resource(z.object({ v: z.union([z.string(), z.number()]) })))).toThrow(
      /\.spec\.v: JSON Schema keyword "anyOf"/,
    );
  });

  it('refuses a node without a type', () => {
    expect(() => convertNode({ description: 'anything' }, '.x')).toThrow(/\.x: every node/);
  });

  it('sorts keys so the output does not depend on declaration order', () => {
    const a = toCrdSchema(resource(z.object({ b: z.string().max(1), a: z.string().max(1) })));
    const b = toCrdSchema(resource(z.object({ a: z.string().max(1), b: z.string().max(1) })));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});
