import { ConstraintType, MatchType } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { describe, expect, it } from 'vitest';
import type { Constraint as ConstraintSpec } from '../api/segment.ts';
import { compileConstraint, compileSegment } from './compile-segment.ts';
import { segmentResource } from './testdata/builders.ts';

function compileOne(spec: Omit<ConstraintSpec, 'property'> & { property?: string }) {
  return compileConstraint({ property: 'p', ...spec }, 'spec.constraints[0]');
}

function operandOf(spec: Omit<ConstraintSpec, 'property'>) {
  const result = compileOne(spec);
  if (!result.ok)
    throw new Error(`expected ${JSON.stringify(spec)} to compile: ${JSON.stringify(result.problems)}`);
  return result.constraint;
}

const utcSeconds = (iso: string): number => Date.parse(iso) / 1000;

describe('compileConstraint: String and EntityId', () => {
  const singleValue = ['eq', 'neq', 'prefix', 'suffix', 'contains', 'notcontains'] as const;
  for (const type of ['String', 'EntityId'] as const) {
    for (const operator of singleValue) {
      it(`gives ${type} ${operator} a string operand`, () => {
        expect(operandOf({ type, operator, value: 'abc' })).toEqual({
          type:
            type === 'String'
              ? ConstraintType.CONSTRAINT_TYPE_STRING
              : ConstraintType.CONSTRAINT_TYPE_ENTITY_ID,
          property: 'p',
          operator,
          value: 'abc',
          operand: { $case: 'stringValue', value: 'abc' },
        });
      });
    }
  }
  for (const operator of ['empty', 'notempty'] as const) {
    it(`gives String ${operator} no operand`, () => {
      expect(operandOf({ type: 'String', operator }).operand).toBeUndefined();
    });
    it(`refuses EntityId ${operator}, as the CRD schema does`, () => {
      expect(compileOne({ type: 'EntityId', operator })).toMatchObject({
        ok: false,
        problems: [{ fieldPath: 'spec.constraints[0].operator', reason: 'InvalidConstraint' }],
      });
    });
  }
  for (const type of ['String', 'EntityId'] as const) {
    for (const operator of ['isoneof', 'isnotoneof'] as const) {
      it(`gives ${type} ${operator} a string list and shows it as a JSON array`, () => {
        const c = operandOf({ type, operator, values: ['a', 'b"c', '5'] });
        expect(c.value).toBe('["a","b\\"c","5"]');
        expect(JSON.parse(c.value)).toEqual(['a', 'b"c', '5']);
        expect(c.operand).toEqual({ $case: 'stringList', value: { values: ['a', 'b"c', '5'] } });
      });
    }
    it(`refuses ${type} lt`, () => {
      expect(compileOne({ type, operator: 'lt', value: 'a' })).toEqual({
        ok: false,
        problems: [
          {
            fieldPath: 'spec.constraints[0].operator',
            reason: 'InvalidConstraint',
            message: `operator "lt" does not apply to ${type} constraints`,
          },
        ],
      });
    });
  }
});

describe('compileConstraint: Number', () => {
  for (const operator of ['eq', 'neq', 'lt', 'lte', 'gt', 'gte'] as const) {
    it(`parses the ${operator} value as a Go float`, () => {
      const c = operandOf({ type: 'Number', operator, value: '1_000.5' });
      expect(c.type).toBe(ConstraintType.CONSTRAINT_TYPE_NUMBER);
      expect(c.value).toBe('1_000.5');
      expect(c.operand).toEqual({ $case: 'numberValue', value: 1000.5 });
    });
  }

  it('accepts what Go accepts: NaN, infinities, hex floats with an exponent', () => {
    expect(operandOf({ type: 'Number', operator: 'eq', value: 'NaN' }).operand).toEqual({
      $case: 'numberValue',
      value: NaN,
    });
    expect(operandOf({ type: 'Number', operator: 'gt', value: '-Inf' }).operand).toEqual({
      $case: 'numberValue',
      value: -Infinity,
    });
    expect(operandOf({ type: 'Number', operator: 'lt', value: '0x1p-2' }).operand).toEqual({
      $case: 'numberValue',
      value: 0.25,
    });
  });

  for (const bad of [' 5', '0x10', '1e400', 'five', '1__0']) {
    it(`refuses the value ${JSON.stringify(bad)} with its field path`, () => {
      expect(compileOne({ type: 'Number', operator: 'eq', value: bad })).toMatchObject({
        ok: false,
        problems: [{ fieldPath: 'spec.constraints[0].value', reason: 'InvalidConstraint' }],
      });
    });
  }

  for (const operator of ['present', 'notpresent'] as const) {
    it(`gives ${operator} no operand`, () => {
      expect(operandOf({ type: 'Number', operator }).operand).toBeUndefined();
    });
  }

  for (const operator of ['isoneof', 'isnotoneof'] as const) {
    it(`gives ${operator} a number list and shows it as a JSON array of numbers`, () => {
      const c = operandOf({ type: 'Number', operator, values: ['1', '2.50', '-3e2'] });
      expect(c.value).toBe('[1,2.5,-300]');
      expect(c.operand).toEqual({ $case: 'numberList', value: { values: [1, 2.5, -300] } });
    });
  }

  it('refuses list members that are not finite numbers, each with its path', () => {
    expect(compileOne({ type: 'Number', operator: 'isoneof', values: ['1', 'x', 'inf'] })).toMatchObject({
      ok: false,
      problems: [
        { fieldPath: 'spec.constraints[0].values[1]' },
        { fieldPath: 'spec.constraints[0].values[2]' },
      ],
    });
  });

  it('refuses contains', () => {
    expect(compileOne({ type: 'Number', operator: 'contains', value: '1' })).toMatchObject({
      ok: false,
      problems: [{ fieldPath: 'spec.constraints[0].operator' }],
    });
  });
});

describe('compileConstraint: Boolean', () => {
  for (const operator of ['true', 'false', 'present', 'notpresent'] as const) {
    it(`gives ${operator} no operand and keeps the written value`, () => {
      const c = operandOf({ type: 'Boolean', operator, value: 'ignored' });
      expect(c).toEqual({
        type: ConstraintType.CONSTRAINT_TYPE_BOOLEAN,
        property: 'p',
        operator,
        value: 'ignored',
        operand: undefined,
      });
    });
  }

  it('refuses eq', () => {
    expect(compileOne({ type: 'Boolean', operator: 'eq', value: 'true' })).toMatchObject({ ok: false });
  });
});

describe('compileConstraint: DateTime', () => {
  for (const operator of ['eq', 'neq', 'lt', 'lte', 'gt', 'gte'] as const) {
    it(`parses the ${operator} value as an RFC 3339 instant in UTC`, () => {
      const c = operandOf({ type: 'DateTime', operator, value: '2025-01-31T13:00:00.123456789+01:00' });
      expect(c.type).toBe(ConstraintType.CONSTRAINT_TYPE_DATETIME);
      expect(c.value).toBe('2025-01-31T13:00:00.123456789+01:00');
      expect(c.operand).toEqual({
        $case: 'datetimeValue',
        value: { seconds: utcSeconds('2025-01-31T12:00:00Z'), nanos: 123456789 },
      });
    });
  }

  it('reads a date-only value as midnight UTC', () => {
    expect(operandOf({ type: 'DateTime', operator: 'gte', value: '2025-03-01' }).operand).toEqual({
      $case: 'datetimeValue',
      value: { seconds: utcSeconds('2025-03-01T00:00:00Z'), nanos: 0 },
    });
  });

  for (const bad of ['2025-02-30', '2025-01-31t12:00:00Z', '2025-01-31 12:00:00Z', 'tomorrow']) {
    it(`refuses the value ${JSON.stringify(bad)}`, () => {
      expect(compileOne({ type: 'DateTime', operator: 'lt', value: bad })).toMatchObject({
        ok: false,
        problems: [{ fieldPath: 'spec.constraints[0].value' }],
      });
    });
  }

  for (const operator of ['present', 'notpresent'] as const) {
    it(`gives ${operator} no operand`, () => {
      expect(operandOf({ type: 'DateTime', operator }).operand).toBeUndefined();
    });
  }

  for (const operator of ['isoneof', 'isnotoneof'] as const) {
    it(`accepts ${operator} as Flipt's API does, without an operand and with a warning that it never matches`, () => {
      expect(compileOne({ type: 'DateTime', operator, values: ['2025-01-01'] })).toEqual({
        ok: true,
        constraint: {
          type: ConstraintType.CONSTRAINT_TYPE_DATETIME,
          property: 'p',
          operator,
          value: '["2025-01-01"]',
          operand: undefined,
        },
        warning: {
          fieldPath: 'spec.constraints[0].operator',
          reason: 'NeverMatches',
          message: `operator "${operator}" never matches DateTime values (as in Flipt); use gte and lte`,
        },
      });
    });
  }
});

describe('compileConstraint: value shape', () => {
  it('needs a non-empty value for single-value operators', () => {
    for (const value of [undefined, '']) {
      expect(
        compileOne({ type: 'String', operator: 'eq', ...(value === undefined ? {} : { value }) }),
      ).toEqual({
        ok: false,
        problems: [
          {
            fieldPath: 'spec.constraints[0].value',
            reason: 'InvalidConstraint',
            message: 'operator "eq" needs a value',
          },
        ],
      });
    }
  });

  it('needs values for list operators and refuses a single value there', () => {
    expect(compileOne({ type: 'String', operator: 'isoneof' })).toMatchObject({
      ok: false,
      problems: [{ fieldPath: 'spec.constraints[0].values' }],
    });
    expect(compileOne({ type: 'String', operator: 'isoneof', value: '["a"]' })).toMatchObject({
      ok: false,
      problems: [{ fieldPath: 'spec.constraints[0].value' }],
    });
  });

  it('refuses values on operators that do not take a list', () => {
    expect(compileOne({ type: 'String', operator: 'eq', value: 'a', values: ['a'] })).toMatchObject({
      ok: false,
      problems: [{ fieldPath: 'spec.constraints[0].values' }],
    });
    expect(compileOne({ type: 'String', operator: 'empty', values: ['a'] })).toMatchObject({ ok: false });
  });

  it('refuses more than 100 list values', () => {
    const values = Array.from({ length: 101 }, (_, i) => String(i));
    expect(compileOne({ type: 'String', operator: 'isoneof', values })).toMatchObject({ ok: false });
    expect(compileOne({ type: 'String', operator: 'isoneof', values: values.slice(1) })).toMatchObject({
      ok: true,
    });
  });

  it('refuses unknown types and operators the schema should have caught', () => {
    const bogusType = { type: 'Colour', operator: 'eq', value: 'red' } as unknown as ConstraintSpec;
    expect(compileOne(bogusType)).toMatchObject({
      ok: false,
      problems: [{ fieldPath: 'spec.constraints[0].type' }],
    });
    const bogusOperator = { type: 'String', operator: 'like', value: 'x' } as unknown as ConstraintSpec;
    expect(compileOne(bogusOperator)).toMatchObject({
      ok: false,
      problems: [{ fieldPath: 'spec.constraints[0].operator' }],
    });
  });
});

describe('compileSegment', () => {
  it('uses metadata.name as the key and the key as the default name', () => {
    const result = compileSegment(
      segmentResource('beta-users', {
        matchType: 'Any',
        description: 'Beta testers',
        constraints: [{ property: 'plan', type: 'String', operator: 'eq', value: 'beta' }],
      }),
    );
    expect(result).toEqual({
      ok: true,
      warnings: [],
      segment: {
        key: 'beta-users',
        name: 'beta-users',
        description: 'Beta testers',
        matchType: MatchType.MATCH_TYPE_ANY,
        constraints: [
          {
            type: ConstraintType.CONSTRAINT_TYPE_STRING,
            property: 'plan',
            operator: 'eq',
            value: 'beta',
            operand: { $case: 'stringValue', value: 'beta' },
          },
        ],
      },
    });
  });

  it('takes spec.name as the display name', () => {
    const result = compileSegment(segmentResource('beta', { name: 'Beta users' }));
    expect(result).toMatchObject({ ok: true, segment: { key: 'beta', name: 'Beta users' } });
  });

  it('reports every bad constraint with its own field path', () => {
    const result = compileSegment(
      segmentResource('bad', {
        constraints: [
          { property: 'a', type: 'String', operator: 'eq', value: 'ok' },
          { property: 'b', type: 'Number', operator: 'gt', value: 'ten' },
          { property: 'c', type: 'DateTime', operator: 'lt', value: 'yesterday' },
        ],
      }),
    );
    expect(result).toMatchObject({
      ok: false,
      problems: [{ fieldPath: 'spec.constraints[1].value' }, { fieldPath: 'spec.constraints[2].value' }],
    });
  });
});
