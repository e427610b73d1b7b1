// The one verdict on an agent's action, for the tools, `aos can` and `aos mcp --agent` alike: the
// capability side (decided already: some checks read the disk), then the owner's policy with the
// trust it has learned, or the owner's approval of exactly this action. Pure: state in, a verdict
// with the step that decided and its words out. Each surface words the verdict its own way from
// these fields; none decides anything itself, so `aos can` says what the tools do by construction.
import type { Verdict as Grant } from './capabilities.js';
import { decide, type Policy, type PastAnswer, type PolicyAction } from './policy.js';
import { ownerOnly, OWNER_ONLY } from './confine.js';

export type Outcome = 'allowed' | 'ask' | 'refused';

/** Which step decided: the capability check, an invalid policy, the policy's rules, learned trust, an approval. */
export type DecidedBy = 'capability' | 'policy-invalid' | 'policy' | 'trust' | 'approval';

export interface VerdictState {
  /** The capability check's result for this action (with the tool's own rules, e.g. the shell's syntax). */
  capability: Grant;
  /** The action as the policy sees it; none when no policy rule can cover it (delegate, message, memory). */
  action?: PolicyAction;
  /** aos.yaml's policy as parsed, with its errors: an invalid policy refuses all it could cover. */
  policy: { policy: Policy; errors: readonly string[] };
  /** Past answers to approvals, for trust. */
  history: readonly PastAnswer[];
  /** The owner approved exactly this action of this run: a resumed run may do it once. */
  approved?: boolean;
}

/** What a surface asks the judge about: its capability check's result and the action. */
export type Asked = Pick<VerdictState, 'capability' | 'action' | 'approved'>;

export interface ActionVerdict {
  verdict: Outcome;
  by: DecidedBy;
  /** The deciding step's own words: the capability's reason, `policy ask: "…"`, `trusted after …`. */
  decided: string;
  /** The whole answer, as `aos can` prints it: the grant, then what the policy said. */
  reason: string;
}

export const APPROVED = 'the owner approved exactly this action';

export function policyInvalid(errors: readonly string[]): string {
  return `aos.yaml's policy is invalid, so nothing it could cover runs: ${errors[0]}`;
}

export function actionVerdict(state: VerdictState): ActionVerdict {
  const cap = state.capability;
  if (!cap.allowed) return { verdict: 'refused', by: 'capability', decided: cap.reason, reason: cap.reason };
  if (!state.action) return { verdict: 'allowed', by: 'capability', decided: cap.reason, reason: cap.reason };
  if (state.policy.errors.length) {
    const why = policyInvalid(state.policy.errors);
    return { verdict: 'refused', by: 'policy-invalid', decided: why, reason: why };
  }
  // Checked before the policy: the owner answered this very action, whatever its class now.
  if (state.approved) return { verdict: 'allowed', by: 'approval', decided: APPROVED, reason: `${cap.reason}; ${APPROVED}` };
  const d = decide(state.policy.policy, state.action, state.history);
  if (d.class === 'never') return { verdict: 'refused', by: 'policy', decided: d.reason, reason: `${cap.reason}, but ${d.reason}` };
  // Whatever the policy or learned trust says: an agent that wrote these unasked could grant itself anything.
  if (state.action.kind === 'file' && state.action.verb === 'write' && ownerOnly(state.action.resource)) {
    return { verdict: 'ask', by: 'policy', decided: OWNER_ONLY, reason: `${cap.reason}; ${OWNER_ONLY}: the owner is asked first` };
  }
  if (d.class === 'ask') return { verdict: 'ask', by: 'policy', decided: d.reason, reason: `${cap.reason}; ${d.reason}: the owner is asked first` };
  return { verdict: 'allowed', by: d.trusted ? 'trust' : 'policy', decided: d.reason, reason: `${cap.reason}; ${d.reason}` };
}
