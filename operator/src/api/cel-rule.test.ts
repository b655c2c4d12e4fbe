import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CEL_ISSUE_SOURCE, toXValidation, unless, withCelRules } from './cel-rule.ts';

const range = withCelRules(z.object({ low: z.number(), high: z.number() }), [
  {
    rule: 'self.low <= self.high',
    message: 'low must not exceed high',
    fieldPath: '.low',
    reason: 'FieldValueInvalid',
    violations: (self) => unless(self.low <= self.high, ['low']),
  },
]);

describe('withCelRules', () => {
  it('copies the rules into the JSON schema as x-kubernetes-validations', () => {
    const json = z.toJSONSchema(range, { target: 'openapi-3.0' });
    expect(json['x-kubernetes-validations']).toEqual([
      {
        rule: 'self.low <= self.high',
        message: 'low must not exceed high',
        fieldPath: '.low',
        reason: 'FieldValueInvalid',
      },
    ]);
  });

  it('raises the rule’s message at each violating path, marked as a CEL issue', () => {
    const result = z.object({ r: range }).safeParse({ r: { low: 5, high: 1 } });
    expect(result.error?.issues).toEqual([
      {
        code: 'custom',
        message: 'low must not exceed high',
        path: ['r', 'low'],
        params: { source: CEL_ISSUE_SOURCE, reason: 'FieldValueInvalid' },
      },
    ]);
    expect(range.safeParse({ low: 1, high: 5 }).success).toBe(true);
  });
});

describe('toXValidation', () => {
  it('leaves out fieldPath and reason when a rule has none', () => {
    expect(toXValidation({ rule: 'true', message: 'm', violations: () => [] })).toEqual({
      rule: 'true',
      message: 'm',
    });
  });
});
