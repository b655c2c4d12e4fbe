// What the compiler reports about the objects it was given. The controller turns these into status
// conditions and Events; local mode logs them.

export type ObjectKind = 'Flag' | 'Segment';

/** Error: the object (or its use) is rejected. Warning: it is served, but something needs attention. */
export type Severity = 'Error' | 'Warning';

export const Reason = {
  Compiled: 'Compiled',
  SegmentNotFound: 'SegmentNotFound',
  SegmentInvalid: 'SegmentInvalid',
  VariantNotFound: 'VariantNotFound',
  DuplicateVariant: 'DuplicateVariant',
  DuplicateFlagKey: 'DuplicateFlagKey',
  DuplicateObject: 'DuplicateObject',
  InvalidConstraint: 'InvalidConstraint',
  NeverMatches: 'NeverMatches',
  InvalidAttachment: 'InvalidAttachment',
  InvalidRule: 'InvalidRule',
  InvalidRollout: 'InvalidRollout',
  InvalidFlag: 'InvalidFlag',
} as const;
export type Reason = (typeof Reason)[keyof typeof Reason];

export interface Diagnostic {
  kind: ObjectKind;
  /** metadata.name of the object the diagnostic is about. */
  name: string;
  namespace: string;
  /** Path into the object, e.g. `spec.rules[1].segments[0]`. */
  fieldPath: string;
  severity: Severity;
  reason: Reason;
  message: string;
}

/** The compiler's verdict on one input object; the controller derives the Ready condition from it. */
export interface ObjectOutcome {
  kind: ObjectKind;
  name: string;
  namespace: string;
  /** The Flipt key the object compiles to (flag key or segment key). */
  key: string;
  ready: boolean;
  reason: Reason;
  message: string;
  /** True when the rule set carries this object's last good compiled version instead of the current spec. */
  servedFromLastGood: boolean;
}
