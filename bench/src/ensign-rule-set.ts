// The operator's side of Ensign's load path: workload resources → compiled RuleSet → the protobuf
// bytes the sidecar receives on its sync stream.
import { compile, type CompileResult } from '@ensign/operator/compiler/compile.ts';
import { RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { ENSIGN_NAMESPACE, ensignWorkload, type EnsignWorkload } from './ensign-workload.ts';

export function compileWorkload(workload: EnsignWorkload): CompileResult {
  return compile({ namespace: ENSIGN_NAMESPACE, flags: workload.flags, segments: workload.segments });
}

/** The compiled N-flag rule set; throws if the compiler reported anything (the workload must be clean). */
export function workloadRuleSet(n: number): RuleSet {
  const result = compileWorkload(ensignWorkload(n));
  const first = result.diagnostics[0];
  if (first !== undefined) {
    throw new Error(
      `workload compiled with ${result.diagnostics.length} diagnostics, first: ${first.message}`,
    );
  }
  return result.ruleSet;
}

export function encodeRuleSet(ruleSet: RuleSet): Uint8Array {
  return RuleSet.encode(ruleSet).finish();
}
