// Segment resource → sync.v1 Segment, with every constraint operand parsed once here so the sidecar
// never parses user text. The schema should already have rejected bad values; this does not rely on
// it, because the rule set is a contract the engine trusts.
import { parseGoDateTime, parseGoFloat } from '@ensign/core/go-values.ts';
import {
  ConstraintType,
  MatchType,
  type Constraint,
  type Segment,
} from '@ensign/proto/ensign/sync/v1/sync.ts';
import type {
  Constraint as ConstraintSpec,
  ConstraintType as ConstraintTypeName,
  Segment as SegmentResource,
} from '../api/segment.ts';
import { LIST_OPERATORS, MAX_LIST_VALUES, OPERATORS_BY_TYPE, VALUELESS_OPERATORS } from '../api/segment.ts';
import { Reason } from './diagnostic.ts';

export interface FieldProblem {
  fieldPath: string;
  reason: Reason;
  message: string;
}

/** `warnings` are problems that do not stop the segment from being served. */
export type CompiledSegment =
  { ok: true; segment: Segment; warnings: FieldProblem[] } | { ok: false; problems: FieldProblem[] };

// The operator tables are the schema's own, so the compiler checks exactly what the CRD admits.
const VALUELESS: ReadonlySet<string> = new Set(VALUELESS_OPERATORS);
const LIST: ReadonlySet<string> = new Set(LIST_OPERATORS);
const OPERATORS: Readonly<Record<ConstraintTypeName, ReadonlySet<string>>> = {
  String: new Set(OPERATORS_BY_TYPE.String),
  EntityId: new Set(OPERATORS_BY_TYPE.EntityId),
  Number: new Set(OPERATORS_BY_TYPE.Number),
  Boolean: new Set(OPERATORS_BY_TYPE.Boolean),
  DateTime: new Set(OPERATORS_BY_TYPE.DateTime),
};

const TYPE_ENUM: Readonly<Record<ConstraintTypeName, ConstraintType>> = {
  String: ConstraintType.CONSTRAINT_TYPE_STRING,
  Number: ConstraintType.CONSTRAINT_TYPE_NUMBER,
  Boolean: ConstraintType.CONSTRAINT_TYPE_BOOLEAN,
  DateTime: ConstraintType.CONSTRAINT_TYPE_DATETIME,
  EntityId: ConstraintType.CONSTRAINT_TYPE_ENTITY_ID,
};

export function compileSegment(resource: SegmentResource): CompiledSegment {
  const problems: FieldProblem[] = [];
  const warnings: FieldProblem[] = [];
  const constraints: Constraint[] = [];
  resource.spec.constraints.forEach((spec, i) => {
    const result = compileConstraint(spec, `spec.constraints[${i}]`);
    if (result.ok) {
      constraints.push(result.constraint);
      if (result.warning !== undefined) warnings.push(result.warning);
    } else {
      problems.push(...result.problems);
    }
  });
  const matchType = compileMatchType(resource.spec.matchType);
  if (matchType === undefined) {
    problems.push(invalid('spec.matchType', `unknown match type "${resource.spec.matchType}"`));
  }
  if (problems.length > 0 || matchType === undefined) return { ok: false, problems };
  const key = resource.metadata.name;
  return {
    ok: true,
    warnings,
    segment: {
      key,
      name: resource.spec.name ?? key,
      description: resource.spec.description ?? '',
      matchType,
      constraints,
    },
  };
}

function compileMatchType(name: string): MatchType | undefined {
  if (name === 'All') return MatchType.MATCH_TYPE_ALL;
  if (name === 'Any') return MatchType.MATCH_TYPE_ANY;
  return undefined;
}

type CompiledConstraint =
  { ok: true; constraint: Constraint; warning?: FieldProblem } | { ok: false; problems: FieldProblem[] };

export function compileConstraint(spec: ConstraintSpec, path: string): CompiledConstraint {
  const typeName = spec.type as string;
  if (!Object.hasOwn(TYPE_ENUM, typeName)) {
    return fail(invalid(`${path}.type`, `unknown constraint type "${typeName}"`));
  }
  const type = spec.type;
  const operator: string = spec.operator;
  if (!OPERATORS[type].has(operator)) {
    return fail(invalid(`${path}.operator`, `operator "${operator}" does not apply to ${type} constraints`));
  }
  const base = { type: TYPE_ENUM[type], property: spec.property, operator };
  if (VALUELESS.has(operator)) {
    if (spec.values !== undefined) return fail(misplacedValues(path, operator));
    return { ok: true, constraint: { ...base, value: spec.value ?? '', operand: undefined } };
  }
  if (LIST.has(operator)) return compileList(spec, type, base, path);
  return compileSingle(spec, type, base, path);
}

type ConstraintBase = Pick<Constraint, 'type' | 'property' | 'operator'>;

function compileSingle(
  spec: ConstraintSpec,
  type: ConstraintTypeName,
  base: ConstraintBase,
  path: string,
): CompiledConstraint {
  if (spec.values !== undefined) return fail(misplacedValues(path, spec.operator));
  const value = spec.value;
  if (value === undefined || value === '') {
    return fail(invalid(`${path}.value`, `operator "${spec.operator}" needs a value`));
  }
  const operand = parseSingleOperand(type, value);
  if (operand === undefined) {
    return fail(invalid(`${path}.value`, `"${value}" is not a valid ${describeType(type)}`));
  }
  return { ok: true, constraint: { ...base, value, operand } };
}

function parseSingleOperand(type: ConstraintTypeName, value: string): Constraint['operand'] {
  switch (type) {
    case 'String':
    case 'EntityId':
      return { $case: 'stringValue', value };
    case 'Number': {
      const n = parseGoFloat(value);
      return n === undefined ? undefined : { $case: 'numberValue', value: n };
    }
    case 'DateTime': {
      const instant = parseGoDateTime(value);
      return instant === undefined
        ? undefined
        : { $case: 'datetimeValue', value: { seconds: instant.seconds, nanos: instant.nanos } };
    }
    case 'Boolean':
      return undefined;
  }
}

function compileList(
  spec: ConstraintSpec,
  type: ConstraintTypeName,
  base: ConstraintBase,
  path: string,
): CompiledConstraint {
  const values = spec.values;
  if (spec.value !== undefined) {
    return fail(invalid(`${path}.value`, `operator "${spec.operator}" takes a list in values, not value`));
  }
  if (values === undefined) {
    return fail(invalid(`${path}.values`, `operator "${spec.operator}" needs values`));
  }
  if (values.length > MAX_LIST_VALUES) {
    return fail(invalid(`${path}.values`, `at most ${MAX_LIST_VALUES} values are allowed`));
  }
  if (type === 'DateTime') {
    return {
      ok: true,
      // Flipt's value text, but no operand: nothing reads it, the engine never matches this operator.
      constraint: { ...base, value: JSON.stringify(values), operand: undefined },
      warning: {
        fieldPath: `${path}.operator`,
        reason: Reason.NeverMatches,
        message: `operator "${spec.operator}" never matches DateTime values (as in Flipt); use gte and lte`,
      },
    };
  }
  if (type !== 'Number') {
    const strings = [...values];
    return {
      ok: true,
      constraint: {
        ...base,
        value: JSON.stringify(strings),
        operand: { $case: 'stringList', value: { values: strings } },
      },
    };
  }
  const numbers: number[] = [];
  const problems: FieldProblem[] = [];
  values.forEach((text, i) => {
    const n = parseGoFloat(text);
    // Flipt reads the list as a JSON array of numbers, which cannot hold NaN or infinities.
    if (n === undefined || !Number.isFinite(n)) {
      problems.push(invalid(`${path}.values[${i}]`, `"${text}" is not a finite number`));
    } else {
      numbers.push(n);
    }
  });
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    // JSON.stringify writes each number as the shortest text that reads back to the same double.
    constraint: {
      ...base,
      value: JSON.stringify(numbers),
      operand: { $case: 'numberList', value: { values: numbers } },
    },
  };
}

function describeType(type: ConstraintTypeName): string {
  switch (type) {
    case 'Number':
      return 'number (Go strconv.ParseFloat syntax)';
    case 'DateTime':
      return 'datetime (RFC 3339, e.g. 2025-01-31T12:00:00Z, or YYYY-MM-DD)';
    case 'String':
    case 'EntityId':
    case 'Boolean':
      return type;
  }
}

function misplacedValues(path: string, operator: string): FieldProblem {
  return invalid(`${path}.values`, `values is only used by isoneof and isnotoneof, not by "${operator}"`);
}

function invalid(fieldPath: string, message: string): FieldProblem {
  return { fieldPath, reason: Reason.InvalidConstraint, message };
}

function fail(problem: FieldProblem): CompiledConstraint {
  return { ok: false, problems: [problem] };
}
