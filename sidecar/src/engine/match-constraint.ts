// Constraints compiled once per rule set into one monomorphic record with an opcode chosen by
// type + operator and its operand already parsed; matching is a single switch, with no parsing of
// the constraint's value, no regex and no allocation. Semantics: reference/flipt-semantics.md §2.

import {
  compareInstant,
  goTrimSpace,
  isGoBlank,
  parseGoBool,
  parseGoDateTime,
  parseGoFloat,
} from '@ensign/core/go-values.ts';
import type { Instant } from '@ensign/core/go-values.ts';
import { ConstraintType } from '@ensign/proto/ensign/sync/v1/sync.ts';
import type { Constraint } from '@ensign/proto/ensign/sync/v1/sync.ts';

export const Op = {
  /** An operator Flipt does not evaluate for this type (e.g. DATETIME isoneof): never matches. */
  NEVER: 0,
  BLANK: 1,
  NOT_BLANK: 2,
  STR_EQ: 3,
  STR_NEQ: 4,
  STR_PREFIX: 5,
  STR_SUFFIX: 6,
  STR_CONTAINS: 7,
  STR_NOT_CONTAINS: 8,
  STR_ONE_OF: 9,
  STR_NOT_ONE_OF: 10,
  NUM_EQ: 11,
  NUM_NEQ: 12,
  NUM_LT: 13,
  NUM_LTE: 14,
  NUM_GT: 15,
  NUM_GTE: 16,
  NUM_ONE_OF: 17,
  NUM_NOT_ONE_OF: 18,
  BOOL_TRUE: 19,
  BOOL_FALSE: 20,
  TIME_EQ: 21,
  TIME_NEQ: 22,
  TIME_LT: 23,
  TIME_LTE: 24,
  TIME_GT: 25,
  TIME_GTE: 26,
} as const;
export type Op = (typeof Op)[keyof typeof Op];

const EMPTY_STRING_SET: ReadonlySet<string> = new Set<string>();
const EMPTY_NUMBER_SET: ReadonlySet<number> = new Set<number>();
const EPOCH: Instant = { seconds: 0, nanos: 0 };

/** One constraint, ready to match. Every instance has the same shape (unused operands hold neutral values). */
export interface CompiledConstraint {
  readonly op: Op;
  /** ENTITY_ID constraints read the request's entity id instead of a context property. */
  readonly readsEntityId: boolean;
  readonly property: string;
  readonly text: string;
  readonly number: number;
  readonly instant: Instant;
  readonly strings: ReadonlySet<string>;
  readonly numbers: ReadonlySet<number>;
}

const STRING_OPS: Readonly<Record<string, Op>> = {
  empty: Op.BLANK,
  notempty: Op.NOT_BLANK,
  eq: Op.STR_EQ,
  neq: Op.STR_NEQ,
  prefix: Op.STR_PREFIX,
  suffix: Op.STR_SUFFIX,
  contains: Op.STR_CONTAINS,
  notcontains: Op.STR_NOT_CONTAINS,
  isoneof: Op.STR_ONE_OF,
  isnotoneof: Op.STR_NOT_ONE_OF,
};
const NUMBER_OPS: Readonly<Record<string, Op>> = {
  present: Op.NOT_BLANK,
  notpresent: Op.BLANK,
  eq: Op.NUM_EQ,
  neq: Op.NUM_NEQ,
  lt: Op.NUM_LT,
  lte: Op.NUM_LTE,
  gt: Op.NUM_GT,
  gte: Op.NUM_GTE,
  isoneof: Op.NUM_ONE_OF,
  isnotoneof: Op.NUM_NOT_ONE_OF,
};
const BOOLEAN_OPS: Readonly<Record<string, Op>> = {
  present: Op.NOT_BLANK,
  notpresent: Op.BLANK,
  true: Op.BOOL_TRUE,
  false: Op.BOOL_FALSE,
};
const DATETIME_OPS: Readonly<Record<string, Op>> = {
  present: Op.NOT_BLANK,
  notpresent: Op.BLANK,
  eq: Op.TIME_EQ,
  neq: Op.TIME_NEQ,
  lt: Op.TIME_LT,
  lte: Op.TIME_LTE,
  gt: Op.TIME_GT,
  gte: Op.TIME_GTE,
};

function operatorsFor(type: number): Readonly<Record<string, Op>> | undefined {
  switch (type) {
    case ConstraintType.CONSTRAINT_TYPE_STRING:
    case ConstraintType.CONSTRAINT_TYPE_ENTITY_ID:
      return STRING_OPS;
    case ConstraintType.CONSTRAINT_TYPE_NUMBER:
      return NUMBER_OPS;
    case ConstraintType.CONSTRAINT_TYPE_BOOLEAN:
      return BOOLEAN_OPS;
    case ConstraintType.CONSTRAINT_TYPE_DATETIME:
      return DATETIME_OPS;
    default:
      return undefined;
  }
}

type OperandKind = NonNullable<Constraint['operand']>['$case'] | 'none';

function operandKindOf(op: Op): OperandKind {
  if (op >= Op.STR_EQ && op <= Op.STR_NOT_CONTAINS) return 'stringValue';
  if (op === Op.STR_ONE_OF || op === Op.STR_NOT_ONE_OF) return 'stringList';
  if (op >= Op.NUM_EQ && op <= Op.NUM_GTE) return 'numberValue';
  if (op === Op.NUM_ONE_OF || op === Op.NUM_NOT_ONE_OF) return 'numberList';
  if (op >= Op.TIME_EQ && op <= Op.TIME_GTE) return 'datetimeValue';
  return 'none';
}

/**
 * Compiles one constraint. Throws when its type is unknown or the operand its operator needs is
 * missing; `where` names it in the message (e.g. `segment "beta" constraint 2`).
 */
export function compileConstraint(constraint: Constraint, where: string): CompiledConstraint {
  const operators = operatorsFor(constraint.type);
  if (operators === undefined) {
    throw new Error(`${where} has unknown constraint type ${constraint.type}`);
  }
  const op = Object.hasOwn(operators, constraint.operator)
    ? (operators[constraint.operator] ?? Op.NEVER)
    : Op.NEVER;
  const needs = operandKindOf(op);
  const operand = constraint.operand;
  if (needs !== 'none' && operand?.$case !== needs) {
    throw new Error(
      `${where} (operator "${constraint.operator}") needs a ${needs} operand but has ${operand?.$case ?? 'none'}`,
    );
  }
  return {
    op,
    readsEntityId: constraint.type === ConstraintType.CONSTRAINT_TYPE_ENTITY_ID,
    property: constraint.property,
    text: operand?.$case === 'stringValue' ? operand.value : '',
    number: operand?.$case === 'numberValue' ? operand.value : 0,
    instant:
      operand?.$case === 'datetimeValue'
        ? { seconds: operand.value.seconds, nanos: operand.value.nanos }
        : EPOCH,
    strings: operand?.$case === 'stringList' ? new Set(operand.value.values) : EMPTY_STRING_SET,
    // Go compares floats with ==, so NaN is never a member (a JS Set would find it).
    numbers:
      operand?.$case === 'numberList'
        ? new Set(operand.value.values.filter((n) => !Number.isNaN(n)))
        : EMPTY_NUMBER_SET,
  };
}

/** Whether the constraint holds for a request (context values missing read as ""). */
export function constraintMatches(
  c: CompiledConstraint,
  context: Readonly<Record<string, string>>,
  entityId: string,
): boolean {
  let v: string;
  if (c.readsEntityId) {
    v = entityId;
  } else {
    // typeof guards against inherited members such as "toString" and non-string values.
    const raw: unknown = context[c.property];
    v = typeof raw === 'string' ? raw : '';
  }
  const op = c.op;
  if (op === Op.BLANK) return isGoBlank(v);
  if (op === Op.NOT_BLANK) return !isGoBlank(v);
  // Flipt: every other operator is false on an empty value (even neq, notcontains, isnotoneof).
  if (v === '') return false;
  if (op <= Op.STR_NOT_ONE_OF) return matchesString(op, c, v);
  if (op <= Op.NUM_NOT_ONE_OF) return matchesNumber(op, c, v);
  if (op <= Op.BOOL_FALSE) return matchesBoolean(op, v);
  return matchesDateTime(op, c, v);
}

function matchesString(op: Op, c: CompiledConstraint, v: string): boolean {
  if (op === Op.STR_EQ) return v === c.text;
  if (op === Op.STR_NEQ) return v !== c.text;
  if (op === Op.STR_ONE_OF) return c.strings.has(v);
  if (op === Op.STR_NOT_ONE_OF) return !c.strings.has(v);
  if (op === Op.STR_CONTAINS) return v.includes(c.text);
  if (op === Op.STR_NOT_CONTAINS) return !v.includes(c.text);
  if (op === Op.STR_PREFIX) return trimForAffix(v).startsWith(c.text);
  if (op === Op.STR_SUFFIX) return trimForAffix(v).endsWith(c.text);
  return false;
}

// Flipt trims the context value (Go TrimSpace) before prefix/suffix; skip the work when not needed.
function trimForAffix(v: string): string {
  const first = v.charCodeAt(0);
  const last = v.charCodeAt(v.length - 1);
  return first > 0x20 && first < 0x85 && last > 0x20 && last < 0x85 ? v : goTrimSpace(v);
}

function matchesNumber(op: Op, c: CompiledConstraint, v: string): boolean {
  const n = parseGoFloat(v);
  if (n === undefined) return false;
  if (op === Op.NUM_ONE_OF) return c.numbers.has(n);
  if (op === Op.NUM_NOT_ONE_OF) return !c.numbers.has(n);
  const operand = c.number;
  if (op === Op.NUM_EQ) return n === operand;
  if (op === Op.NUM_NEQ) return n !== operand;
  if (op === Op.NUM_LT) return n < operand;
  if (op === Op.NUM_LTE) return n <= operand;
  if (op === Op.NUM_GT) return n > operand;
  return op === Op.NUM_GTE && n >= operand;
}

function matchesBoolean(op: Op, v: string): boolean {
  const b = parseGoBool(v);
  if (b === undefined) return false;
  return op === Op.BOOL_TRUE ? b : op === Op.BOOL_FALSE ? !b : false;
}

function matchesDateTime(op: Op, c: CompiledConstraint, v: string): boolean {
  const t = parseGoDateTime(v);
  if (t === undefined) return false;
  const order = compareInstant(t, c.instant);
  if (op === Op.TIME_EQ) return order === 0;
  if (op === Op.TIME_NEQ) return order !== 0;
  if (op === Op.TIME_LT) return order < 0;
  if (op === Op.TIME_LTE) return order <= 0;
  if (op === Op.TIME_GT) return order > 0;
  return op === Op.TIME_GTE && order >= 0;
}
