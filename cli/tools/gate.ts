// The policy gate of one run: every tool that can do harm passes its exact action through here
// after its capability check, to the one judge (tools/judge.ts, core/agents/verdict.ts) that `aos can` and
// `aos mcp` ask too. This file does what a verdict means in a run: refused → a tool error; ask → an
// approval file and the run waits; allowed by learned trust → a log line; on the run that resumes
// after an approval, exactly the approved action passes once.
import { actionHash } from '../core/agents/approval.js';
import { trustPattern, type PolicyAction } from '../core/agents/policy.js';
import { createApproval } from '../home/approvals.js';
import { appendLog } from '../home/log.js';
import { NeedsApproval, ToolError, touch, type Action, type RunCtx } from './runctx.js';
import { judgeAction } from './judge.js';
import { writeChangeSection } from './approvalchange.js';
import { rateOrRefuse } from './capuse.js';

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

/** What the gate tells the verdict of the capability side: every tool checks it before calling the gate. */
const CHECKED = { allowed: true, reason: 'granted (the tool checked its capability)' };

export function makeGate(ctx: Omit<RunCtx, 'gate' | 'lastRule'> & Pick<RunCtx, 'lastRule'>, spec: GateSpec): RunCtx['gate'] {
  return async (action) => {
    const pa = policyAction(action);
    const a = spec.approved.current;
    const approved = !!a && !a.used && actionHash(a.run, ctx.agent.id, action.tool, action.input) === a.hash;
    const spendRate = await rateOrRefuse(ctx, action.grant);
    const v = await judgeAction(ctx.home, { capability: CHECKED, action: pa, approved });
    if (v.verdict === 'refused') throw new ToolError(`refused: ${v.decided}`);
    ctx.lastRule = action.grant ? `${action.grant.replace(/^granted by /, '')}; ${v.decided}` : v.decided;
    if (v.verdict === 'allowed') {
      await spendRate();
      if (v.by === 'approval') a!.used = true;
      if (v.by === 'trust') {
        const tz = ctx.home.config.owner.timezone;
        await touch(ctx, await appendLog(ctx.home, tz, ctx.env.now(), { kind: 'policy', agent: ctx.agent.id, ref: ctx.run, body: `Went ahead without asking: ${action.kind} ${action.resource} — ${v.decided}.` }));
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
        rule: v.decided.replace(/^policy ask: /, 'ask: '),
        tool: action.tool,
        tool_use_id: toolUse,
        pattern: trustPattern(pa),
        change: await writeChangeSection(ctx.home.root, action, ctx.run),
      },
      ctx.home.config.owner.timezone,
    );
    await touch(ctx, file);
    throw new NeedsApproval(id, file, action.resource);
  };
}
