// The one judge of an agent's action: gathers what core/agents/verdict.ts needs from the home (aos.yaml's
// policy, the answers given on this device) and asks it. The tool gate, `aos can` and `aos mcp
// --agent` each check the capability their way (the same decision functions) and then call this.
import { parsePolicy } from '../core/agents/policy.js';
import { actionVerdict, type ActionVerdict, type Asked } from '../core/agents/verdict.js';
import { answerHistory } from '../home/approvals.js';
import type { Home } from '../home/home.js';

export async function judgeAction(home: Pick<Home, 'root' | 'config'>, asked: Asked): Promise<ActionVerdict> {
  const policy = parsePolicy(home.config.policy);
  // Only a granted action the policy covers can be trusted, so the ledger is read for nothing else.
  const history = asked.capability.allowed && asked.action ? await answerHistory(home.root) : [];
  return actionVerdict({ ...asked, policy, history });
}
