// The policy gate of one run: every tool that can do harm passes its exact action through here
// after its capability check. never → refused; ask → an approval file and the run waits; safe (or
// trusted after repeated approvals, within the owner's autonomy level) → go ahead. On the run that
// resumes after an approval, exactly the approved action passes once.
import { actionHash } from '../core/approval.js';
import { decide, parsePolicy, trustPattern, type PolicyAction } from '../core/policy.js';
import { answerHistory, createApproval } from '../home/approvals.js';
import { appendLog } from '../home/log.js';
import { NeedsApproval, ToolError, touch, type Action, type RunCtx } from './context.js';

/** The approval a resumed run may spend: bound to the asking run's hash, good for one action. */
export interface Approved {
  id: string;
  run: string;
  hash: string;
  used: boolean;
}

export interface GateSpec {
  subject: string;
  /** The tool call being run, so the approval can answer exactly it. */
  currentCall(): string | undefined;
  /** Set by the run that resumes after the owner approved; spent by the first matching action. */
  approved: { current?: Approved };
}

export function policyAction(action: Action): PolicyAction {
  return { kind: action.kind, resource: action.resource, verb: action.verb, ...(action.argv ? { argv: action.argv } : {}) };
}

export function makeGate(ctx: Omit<RunCtx, 'gate'>, spec: GateSpec): RunCtx['gate'] {
  const parsed = parsePolicy(ctx.home.config.policy);
  return async (action) => {
    if (parsed.errors.length) throw new ToolError(`refused: aos.yaml's policy is invalid, so nothing it could cover runs: ${parsed.errors[0]}`);
    const pa = policyAction(action);
    const a = spec.approved.current;
    if (a && !a.used && actionHash(a.run, ctx.agent.id, action.tool, action.input) === a.hash) {
      a.used = true;
      return;
    }
    const history = await answerHistory(ctx.home.root);
    const d = decide(parsed.policy, pa, history);
    if (d.class === 'never') throw new ToolError(`refused: ${d.reason}`);
    if (d.class === 'safe') {
      if (d.reason.startsWith('trusted')) {
        const tz = ctx.home.config.owner.timezone;
        await touch(ctx, await appendLog(ctx.home, tz, ctx.env.now(), { kind: 'policy', agent: ctx.agent.id, ref: ctx.run, body: `Went ahead without asking: ${action.kind} ${action.resource} — ${d.reason}.` }));
      }
      return;
    }
    const toolUse = spec.currentCall();
    if (!toolUse) throw new ToolError('refused: this action needs the owner\'s approval, which only a tick or aos run can ask for');
    const { id, file } = await createApproval(
      ctx.home,
      ctx.env,
      {
        agent: ctx.agent.id,
        run: ctx.run,
        item: ctx.item.id,
        subject: spec.subject,
        action: action.kind,
        argument: action.resource,
        hash: actionHash(ctx.run, ctx.agent.id, action.tool, action.input),
        rule: d.reason.replace(/^policy ask: /, 'ask: '),
        tool: action.tool,
        tool_use_id: toolUse,
        pattern: trustPattern(pa),
      },
      ctx.home.config.owner.timezone,
    );
    await touch(ctx, file);
    throw new NeedsApproval(id, file, action.resource);
  };
}
