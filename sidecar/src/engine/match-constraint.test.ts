import { describe, expect, it } from 'vitest';
import { Constraint, ConstraintType } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { Op, compileConstraint, constraintMatches } from './match-constraint.ts';
import {
  booleanConstraint,
  dateTimeConstraint,
  entityIdConstraint,
  numberConstraint,
  stringConstraint,
  type PartialConstraint,
} from './test-support.ts';

function matches(constraint: PartialConstraint, value: string | undefined, entityId = 'entity'): boolean {
  const compiled = compileConstraint(Constraint.fromPartial(constraint), 'test constraint');
  return constraintMatches(compiled, value === undefined ? {} : { p: value }, entityId);
}

describe('STRING constraints', () => {
  it('trims the context value the Go way before prefix and suffix only', () => {
    expect(matches(stringConstraint('p', 'prefix', 'ba'), '\u0085bar')).toBe(true);
    expect(matches(stringConstraint('p', 'suffix', 'ar'), 'bar\u00a0')).toBe(true);
    expect(matches(stringConstraint('p', 'prefix', 'ba'), '\ufeffbar')).toBe(false);
    expect(matches(stringConstraint('p', 'eq', 'bar'), ' bar')).toBe(false);
    expect(matches(stringConstraint('p', 'contains', 'bar '), ' bar ')).toBe(true);
  });

  it('treats Go white space as empty, but not U+FEFF', () => {
    expect(matches(stringConstraint('p', 'empty'), '\u00a0\u0085\t')).toBe(true);
    expect(matches(stringConstraint('p', 'empty'), '\ufeff')).toBe(false);
    expect(matches(stringConstraint('p', 'empty'), undefined)).toBe(true);
    expect(matches(stringConstraint('p', 'notempty'), '\ufeff')).toBe(true);
  });

  it('compares eq and neq exactly', () => {
    expect(matches(stringConstraint('p', 'eq', 'Bar'), 'bar')).toBe(false);
    expect(matches(stringConstraint('p', 'neq', 'Bar'), 'bar')).toBe(true);
  });

  it('applies to the entity id for ENTITY_ID constraints', () => {
    expect(matches(entityIdConstraint('isoneof', ['a', 'b']), 'a', 'b')).toBe(true);
    expect(matches(entityIdConstraint('prefix', 'user-'), undefined, 'user-7')).toBe(true);
    expect(matches(entityIdConstraint('neq', 'x'), 'x', '')).toBe(false);
    expect(matches(entityIdConstraint('empty'), 'x', ' ')).toBe(true);
  });
});

describe('NUMBER constraints', () => {
  it('reads the context value with Go ParseFloat rules', () => {
    expect(matches(numberConstraint('p', 'eq', 5), ' 5')).toBe(false);
    expect(matches(numberConstraint('p', 'eq', 16), '0x10')).toBe(false);
    expect(matches(numberConstraint('p', 'gt', 999), '1_000')).toBe(true);
    expect(matches(numberConstraint('p', 'eq', 0.25), '0x1p-2')).toBe(true);
    expect(matches(numberConstraint('p', 'gt', 1e308), 'Inf')).toBe(true);
    expect(matches(numberConstraint('p', 'lt', 0), '-infinity')).toBe(true);
    expect(matches(numberConstraint('p', 'gt', 1), '1e400')).toBe(false);
    expect(matches(numberConstraint('p', 'eq', 0), '-0')).toBe(true);
    expect(matches(numberConstraint('p', 'eq', 42), '4.2e1')).toBe(true);
  });

  it('follows float64 NaN semantics: never equal, always not-equal, never a list member', () => {
    expect(matches(numberConstraint('p', 'eq', 1), 'nan')).toBe(false);
    expect(matches(numberConstraint('p', 'neq', 1), 'NaN')).toBe(true);
    expect(matches(numberConstraint('p', 'eq', NaN), 'nan')).toBe(false);
    expect(matches(numberConstraint('p', 'isoneof', [NaN, 1]), 'nan')).toBe(false);
    expect(matches(numberConstraint('p', 'isnotoneof', [NaN, 1]), 'nan')).toBe(true);
  });

  it('fails every operator but present/notpresent on an empty value', () => {
    expect(matches(numberConstraint('p', 'neq', 1), '')).toBe(false);
    expect(matches(numberConstraint('p', 'isnotoneof', [1]), undefined)).toBe(false);
    expect(matches(numberConstraint('p', 'present'), ' ')).toBe(false);
    expect(matches(numberConstraint('p', 'notpresent'), '\u00a0')).toBe(true);
  });

  it('never matches an operator Flipt does not evaluate for numbers', () => {
    expect(
      matches({ ...numberConstraint('p', 'prefix'), operand: { $case: 'stringValue', value: '1' } }, '12'),
    ).toBe(false);
  });
});

describe('BOOLEAN constraints', () => {
  it.each(['1', 't', 'T', 'TRUE', 'true', 'True'])('reads %j as true', (value) => {
    expect(matches(booleanConstraint('p', 'true'), value)).toBe(true);
    expect(matches(booleanConstraint('p', 'false'), value)).toBe(false);
  });

  it.each(['0', 'f', 'F', 'FALSE', 'false', 'False'])('reads %j as false', (value) => {
    expect(matches(booleanConstraint('p', 'false'), value)).toBe(true);
  });

  it('fails both true and false on text Go does not read as a boolean', () => {
    for (const value of ['tRUE', 'yes', ' true', '']) {
      expect(matches(booleanConstraint('p', 'true'), value)).toBe(false);
      expect(matches(booleanConstraint('p', 'false'), value)).toBe(false);
    }
  });
});

describe('DATETIME constraints', () => {
  it('compares at nanosecond precision across zone offsets', () => {
    expect(
      matches(dateTimeConstraint('p', 'gt', '2006-01-02T15:04:05Z'), '2006-01-02T15:04:05.000000001Z'),
    ).toBe(true);
    expect(matches(dateTimeConstraint('p', 'eq', '2006-01-02T14:04:05Z'), '2006-01-02T15:04:05+01:00')).toBe(
      true,
    );
    expect(matches(dateTimeConstraint('p', 'gte', '2006-01-02'), '2006-01-02T00:00:00Z')).toBe(true);
    expect(matches(dateTimeConstraint('p', 'lte', '2006-01-02'), '2006-01-01T23:59:59.999999999Z')).toBe(
      true,
    );
    expect(matches(dateTimeConstraint('p', 'lt', '2006-01-02'), '2006-01-02T00:00:00Z')).toBe(false);
  });

  it('rejects context values Go rejects', () => {
    expect(matches(dateTimeConstraint('p', 'neq', '2006-01-02'), '2006-01-02t00:00:00Z')).toBe(false);
    expect(matches(dateTimeConstraint('p', 'neq', '2006-01-02'), '2006-02-30')).toBe(false);
    expect(matches(dateTimeConstraint('p', 'neq', '2006-01-02'), '2006-01-02T23:59:60Z')).toBe(false);
  });

  it('never matches isoneof, which Flipt accepts for datetimes but cannot evaluate', () => {
    expect(matches({ ...dateTimeConstraint('p', 'isoneof'), value: '["2006-01-02"]' }, '2006-01-02')).toBe(
      false,
    );
  });
});

describe('compileConstraint', () => {
  it('chooses the opcode by type and operator', () => {
    const opOf = (c: PartialConstraint) => compileConstraint(Constraint.fromPartial(c), 'c').op;
    expect(opOf(stringConstraint('p', 'empty'))).toBe(Op.BLANK);
    expect(opOf(numberConstraint('p', 'notpresent'))).toBe(Op.BLANK);
    expect(opOf(numberConstraint('p', 'gte', 1))).toBe(Op.NUM_GTE);
    expect(opOf(dateTimeConstraint('p', 'gte', '2006-01-02'))).toBe(Op.TIME_GTE);
    expect(opOf(stringConstraint('p', 'toString', 'x'))).toBe(Op.NEVER);
  });

  it('stores list operands as sets', () => {
    const compiled = compileConstraint(
      Constraint.fromPartial(stringConstraint('p', 'isoneof', ['a', 'b'])),
      'c',
    );
    expect(compiled.strings).toBeInstanceOf(Set);
    expect([...compiled.strings]).toEqual(['a', 'b']);
  });

  it('rejects unknown constraint types and missing or mismatched operands, naming the constraint', () => {
    const compile = (c: PartialConstraint) => () =>
      compileConstraint(Constraint.fromPartial(c), 'segment "s" constraint 2');
    expect(compile({ type: ConstraintType.CONSTRAINT_TYPE_UNSPECIFIED, operator: 'eq' })).toThrow(
      'segment "s" constraint 2 has unknown constraint type 0',
    );
    expect(compile({ type: 9 as ConstraintType, operator: 'eq' })).toThrow('unknown constraint type 9');
    expect(compile(stringConstraint('p', 'eq'))).toThrow(
      'segment "s" constraint 2 (operator "eq") needs a stringValue operand but has none',
    );
    expect(
      compile({ ...numberConstraint('p', 'eq'), operand: { $case: 'stringValue', value: '1' } }),
    ).toThrow('needs a numberValue operand but has stringValue');
    expect(compile(stringConstraint('p', 'isoneof', 'a'))).toThrow('needs a stringList operand');
    expect(compile(dateTimeConstraint('p', 'lt'))).toThrow('needs a datetimeValue operand');
  });
});
