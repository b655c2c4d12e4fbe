// The Segment resource: a named set of constraints over the evaluation context (Flipt's segment).
// Operator/type combinations and operand rules follow Flipt's API validation (flipt-semantics §1.5)
// and are CEL rules in the CRD, mirrored in TypeScript for local mode (cel-rule.ts).
import { parseGoDateTime, parseGoFloat } from '@ensign/core/go-values.ts';
import { z } from 'zod';
import { unless, withCelRules, type CelRule, type PathSegment } from './cel-rule.ts';
import { API_VERSION, boundedString, description, displayName, objectMeta, objectStatus } from './common.ts';

// Caps keep the CEL rules below within the API server's cost limit of 10M per rule: a rule on a
// constraint is estimated as if there were MAX_CONSTRAINTS constraints, each with MAX_LIST_VALUES
// values of MAX_LIST_VALUE_LENGTH × 4 bytes. The costliest, the Number check of `values`, is
// estimated 8.3M by the apiextensions validation of Kubernetes 1.32 and 1.35; the regex's length
// counts too. Raise a cap or lengthen a pattern only after re-checking against an API server.
export const MAX_CONSTRAINTS = 100;
/** Flipt's MAX_JSON_ARRAY_ITEMS for isoneof / isnotoneof. */
export const MAX_LIST_VALUES = 100;
export const MAX_VALUE_LENGTH = 1024;
export const MAX_LIST_VALUE_LENGTH = 256;
export const MAX_PROPERTY_LENGTH = 253;

export const constraintType = z
  .enum(['String', 'Number', 'Boolean', 'DateTime', 'EntityId'])
  .describe("How the context value is read and compared. EntityId compares the request's entityId.");
export type ConstraintType = z.infer<typeof constraintType>;

export const constraintOperator = z
  .enum([
    'eq',
    'neq',
    'lt',
    'lte',
    'gt',
    'gte',
    'empty',
    'notempty',
    'present',
    'notpresent',
    'true',
    'false',
    'prefix',
    'suffix',
    'isoneof',
    'isnotoneof',
    'contains',
    'notcontains',
  ])
  .describe('Comparison operator; the constraint description lists which ones each type accepts.');
export type ConstraintOperator = z.infer<typeof constraintOperator>;

/** Operators each constraint type accepts: Flipt's API validation, plus prefix/suffix for EntityId. */
export const OPERATORS_BY_TYPE: Readonly<Record<ConstraintType, readonly ConstraintOperator[]>> = {
  String: [
    'eq',
    'neq',
    'empty',
    'notempty',
    'prefix',
    'suffix',
    'isoneof',
    'isnotoneof',
    'contains',
    'notcontains',
  ],
  Number: ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'present', 'notpresent', 'isoneof', 'isnotoneof'],
  Boolean: ['true', 'false', 'present', 'notpresent'],
  DateTime: ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'present', 'notpresent', 'isoneof', 'isnotoneof'],
  EntityId: ['eq', 'neq', 'prefix', 'suffix', 'isoneof', 'isnotoneof', 'contains', 'notcontains'],
};

/** Operators that take no operand: neither value nor values. */
export const VALUELESS_OPERATORS: readonly ConstraintOperator[] = [
  'true',
  'false',
  'empty',
  'notempty',
  'present',
  'notpresent',
];
/** Operators whose operand is the list `values`. */
export const LIST_OPERATORS: readonly ConstraintOperator[] = ['isoneof', 'isnotoneof'];

/**
 * What Go's strconv.ParseFloat accepts, as an RE2 pattern (also valid in JavaScript): decimal and
 * hexadecimal (p exponent required) floats with `_` only between digits, inf/infinity with an
 * optional sign, and nan. It cannot see overflow (`1e400`), which the zod side rejects as Go does.
 */
const DEC = '[0-9](_?[0-9])*';
const HEX = '[0-9a-fA-F](_?[0-9a-fA-F])*';
export const NUMBER_PATTERN =
  `^([+-]?(${DEC}([.](${DEC})?)?([eE][+-]?${DEC})?|[.]${DEC}([eE][+-]?${DEC})?` +
  `|0[xX](_?${HEX}([.](${HEX})?)?|[.]${HEX})[pP][+-]?${DEC}` +
  `|[iI][nN][fF]([iI][nN][iI][tT][yY])?)|[nN][aA][nN])$`;

/**
 * What Go's time.Parse accepts for RFC 3339 (Flipt's layout) or YYYY-MM-DD, as an RE2 pattern: it
 * checks the ranges of every field but not the length of the month (`2024-02-30`), which the zod
 * side rejects as Go does.
 */
export const DATE_TIME_PATTERN =
  '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])' +
  '(T([01]?[0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.,][0-9]+)?(Z|[+-]([01][0-9]|2[0-4]):([0-5][0-9]|60)))?$';

/** The characters a Go float can contain (CEL check of list items; see OperandFormat). */
export const NUMBER_CHARACTERS_PATTERN = '^[-+.0-9_a-fA-FxXpPiInNtTyY]+$';
/** A digit, then the characters of RFC 3339 (CEL check of list items; see OperandFormat). */
export const DATE_TIME_CHARACTERS_PATTERN = '^[0-9][-+0-9:.,TZ]*$';

const celList = (items: readonly string[]): string => `[${items.map((i) => `'${i}'`).join(', ')}]`;
const prose = (items: readonly string[]): string =>
  `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;

type ConstraintSpecShape = {
  type: ConstraintType;
  operator: ConstraintOperator;
  value?: string | undefined;
  values?: string[] | undefined;
};

function operatorRule(type: ConstraintType): CelRule<ConstraintSpecShape> {
  const allowed = OPERATORS_BY_TYPE[type];
  return {
    rule: `self.type != '${type}' || self.operator in ${celList(allowed)}`,
    message: `spec.constraints[].operator must be one of ${allowed.join(', ')} when type is ${type}`,
    fieldPath: '.operator',
    reason: 'FieldValueInvalid',
    violations: (self) => unless(self.type !== type || allowed.includes(self.operator), ['operator']),
  };
}

interface OperandFormat {
  type: ConstraintType;
  /** What a valid operand is, for messages. */
  what: string;
  /** Checked on `value`. */
  pattern: string;
  /**
   * Checked on each of `values`: only the characters, because the estimated cost of a regex grows
   * with its length times MAX_CONSTRAINTS * MAX_LIST_VALUES, and the precise pattern would exceed the
   * API server's budget. The zod side checks every item exactly.
   */
  listPattern: string;
  accepts: (s: string) => boolean;
}

function operandFormatRules(format: OperandFormat): CelRule<ConstraintSpecShape>[] {
  const { type, what, pattern, listPattern, accepts } = format;
  return [
    {
      rule: `self.type != '${type}' || !has(self.value) || self.value == '' || self.value.matches('${pattern}')`,
      message: `spec.constraints[].value must be ${what} when type is ${type}`,
      fieldPath: '.value',
      reason: 'FieldValueInvalid',
      violations: (self) =>
        unless(self.type !== type || self.value === undefined || self.value === '' || accepts(self.value), [
          'value',
        ]),
    },
    {
      rule: `self.type != '${type}' || !has(self.values) || self.values.all(v, v.matches('${listPattern}'))`,
      message: `every spec.constraints[].values item must be ${what} when type is ${type}`,
      fieldPath: '.values',
      reason: 'FieldValueInvalid',
      violations: (self): PathSegment[][] =>
        self.type !== type ? [] : (self.values ?? []).flatMap((v, i) => (accepts(v) ? [] : [['values', i]])),
    },
  ];
}

const VALUELESS = celList(VALUELESS_OPERATORS);
const LIST = celList(LIST_OPERATORS);
const isValueless = (op: ConstraintOperator): boolean => VALUELESS_OPERATORS.includes(op);
const isList = (op: ConstraintOperator): boolean => LIST_OPERATORS.includes(op);

const constraintRules: CelRule<ConstraintSpecShape>[] = [
  ...constraintType.options.map(operatorRule),
  {
    rule: `!(self.operator in ${VALUELESS}) || !has(self.value)`,
    message: `spec.constraints[].value must not be set when operator is ${prose(VALUELESS_OPERATORS)}`,
    fieldPath: '.value',
    reason: 'FieldValueForbidden',
    violations: (self) => unless(!isValueless(self.operator) || self.value === undefined, ['value']),
  },
  {
    rule: `!(self.operator in ${LIST}) || !has(self.value)`,
    message: 'spec.constraints[].value must not be set when operator is isoneof or isnotoneof; use values',
    fieldPath: '.value',
    reason: 'FieldValueForbidden',
    violations: (self) => unless(!isList(self.operator) || self.value === undefined, ['value']),
  },
  {
    rule: `self.operator in ${VALUELESS} || self.operator in ${LIST} || (has(self.value) && self.value != '')`,
    message:
      'spec.constraints[].value must be set and non-empty for every operator except ' +
      `${VALUELESS_OPERATORS.join(', ')}, ${LIST_OPERATORS.join(', ')}`,
    fieldPath: '.value',
    reason: 'FieldValueRequired',
    violations: (self) =>
      unless(
        isValueless(self.operator) ||
          isList(self.operator) ||
          (self.value !== undefined && self.value !== ''),
        ['value'],
      ),
  },
  {
    rule: `!(self.operator in ${LIST}) || (has(self.values) && size(self.values) > 0)`,
    message: `spec.constraints[].values must have 1 to ${MAX_LIST_VALUES} items when operator is isoneof or isnotoneof`,
    fieldPath: '.values',
    reason: 'FieldValueRequired',
    violations: (self) =>
      unless(!isList(self.operator) || (self.values !== undefined && self.values.length > 0), ['values']),
  },
  {
    rule: `!has(self.values) || self.operator in ${LIST}`,
    message: 'spec.constraints[].values may only be set when operator is isoneof or isnotoneof',
    fieldPath: '.values',
    reason: 'FieldValueForbidden',
    violations: (self) => unless(self.values === undefined || isList(self.operator), ['values']),
  },
  ...operandFormatRules({
    type: 'Number',
    what: 'a number (Go strconv.ParseFloat syntax)',
    pattern: NUMBER_PATTERN,
    listPattern: NUMBER_CHARACTERS_PATTERN,
    accepts: (s) => parseGoFloat(s) !== undefined,
  }),
  ...operandFormatRules({
    type: 'DateTime',
    what: 'an RFC 3339 date-time or a YYYY-MM-DD date',
    pattern: DATE_TIME_PATTERN,
    listPattern: DATE_TIME_CHARACTERS_PATTERN,
    accepts: (s) => parseGoDateTime(s) !== undefined,
  }),
];

export const constraint = withCelRules(
  z
    .object({
      property: boundedString(MAX_PROPERTY_LENGTH)
        .min(1)
        .describe("Context key to read; ignored for EntityId (the request's entityId is used)."),
      type: constraintType,
      operator: constraintOperator,
      value: boundedString(MAX_VALUE_LENGTH)
        .optional()
        .describe(
          'Operand of single-value operators; numbers and dates are written as strings ("42", "2024-05-01T00:00:00Z").',
        ),
      values: z
        .array(boundedString(MAX_LIST_VALUE_LENGTH))
        .max(MAX_LIST_VALUES)
        .optional()
        .describe('Operands of isoneof / isnotoneof.'),
      description: description.optional().describe('Free text.'),
    })
    .describe(
      'A test on one context property. Operators by type: ' +
        constraintType.options.map((t) => `${t}: ${OPERATORS_BY_TYPE[t].join(', ')}`).join('; ') +
        '.',
    ),
  constraintRules,
);
export type Constraint = z.infer<typeof constraint>;

export const matchType = z
  .enum(['All', 'Any'])
  .describe('All: every constraint must match. Any: at least one must. No constraints match everything.');

export const segmentSpec = z
  .object({
    /** Display name; defaults to metadata.name. */
    name: displayName.optional().describe('Display name; defaults to metadata.name.'),
    description: description.optional().describe('Free text.'),
    matchType: matchType.default('All'),
    constraints: z
      .array(constraint)
      .max(MAX_CONSTRAINTS)
      .default([])
      .describe('Tests on the evaluation context, combined as matchType says.'),
  })
  .describe('The desired segment. Its Flipt key is metadata.name.');
export type SegmentSpec = z.infer<typeof segmentSpec>;

export const segment = withCelRules(
  z
    .object({
      apiVersion: z.literal(API_VERSION),
      kind: z.literal('Segment'),
      metadata: objectMeta,
      spec: segmentSpec,
      status: objectStatus.optional(),
    })
    .describe('A set of entities described by constraints on the evaluation context (Flipt segment).'),
  [
    {
      rule: "!self.metadata.name.contains('.')",
      message: "metadata.name is not a valid Flipt segment key (it contains '.')",
      reason: 'FieldValueInvalid',
      violations: (self) => unless(!self.metadata.name.includes('.'), ['metadata', 'name']),
    },
  ],
);
export type Segment = z.infer<typeof segment>;
