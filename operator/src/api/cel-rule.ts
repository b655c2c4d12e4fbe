// One validation rule, written twice on purpose: as the CEL expression the API server evaluates
// (copied into the CRD as x-kubernetes-validations) and as a TypeScript mirror that the zod parser
// runs in local mode, where there is no API server. Keeping both in one value keeps them side by side
// and gives them one message.
import type { z } from 'zod';

/** The `reason` values the API server accepts on a CRD validation rule. */
export type CelReason =
  'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';

export type PathSegment = string | number;

export interface CelRule<T> {
  /** CEL expression; `self` is the node the rule is attached to. */
  rule: string;
  /** Shown by the API server and by the zod parser; names the offending field. */
  message: string;
  /** Where the API server reports a violation, relative to the node (e.g. `.defaultVariant`). */
  fieldPath?: string;
  reason?: CelReason;
  /**
   * The rule in TypeScript: the paths (relative to the node) of every violation, none when the rule
   * holds. Paths start with `fieldPath` and may be more precise (the item that is wrong).
   */
  violations: (self: T) => PathSegment[][];
}

/** One entry of `x-kubernetes-validations` as it appears in the CRD. */
export interface XValidation {
  rule: string;
  message: string;
  fieldPath?: string;
  reason?: CelReason;
}

/** Marks zod issues raised by a CEL mirror (the API server skips CEL after blocking errors). */
export const CEL_ISSUE_SOURCE = 'x-kubernetes-validations';

export function toXValidation(rule: CelRule<never>): XValidation {
  return {
    rule: rule.rule,
    message: rule.message,
    ...(rule.fieldPath === undefined ? {} : { fieldPath: rule.fieldPath }),
    ...(rule.reason === undefined ? {} : { reason: rule.reason }),
  };
}

/**
 * Attaches `rules` to `schema`: as `x-kubernetes-validations` metadata for the CRD generator, and as
 * a zod refinement raising one issue per violation with the rule's message.
 */
export function withCelRules<S extends z.ZodType>(schema: S, rules: readonly CelRule<z.output<S>>[]): S {
  return schema
    .superRefine((self, ctx) => {
      for (const rule of rules) {
        for (const path of rule.violations(self)) {
          ctx.addIssue({
            code: 'custom',
            message: rule.message,
            path,
            params: { source: CEL_ISSUE_SOURCE, reason: rule.reason ?? 'FieldValueInvalid' },
          });
        }
      }
    })
    .meta({ 'x-kubernetes-validations': rules.map((rule) => toXValidation(rule as CelRule<never>)) });
}

/** `[[]]` when `ok` is false (a violation at the node itself or at the given path), else `[]`. */
export function unless(ok: boolean, path: PathSegment[] = []): PathSegment[][] {
  return ok ? [] : [path];
}
