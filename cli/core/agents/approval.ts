// Approvals as plain files: what an ask looks like, the hash that binds an answer to exactly one
// action of one run, and the checks an answered approval must pass before aos acts on it.
import { createHash } from 'node:crypto';
import { frontMatterText, renderDocument } from '../docs/frontmatter.js';
import type { ApprovalFront } from '../docs/schemas.js';

export const APPROVAL_ID = /^ap-\d{8}T\d{6}-[a-z0-9]{4,8}$/;

/** JSON with object keys sorted, so the same input always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The hash an approval is bound to: the run that asked, its agent, the tool and its exact input. */
export function actionHash(run: string, agent: string, tool: string, input: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson({ run, agent, tool, input })).digest('hex')}`;
}

/** What aos keeps locally (in .aos/, never synced) about each approval a run on this device asked for. */
export interface LedgerEntry {
  id: string;
  hash: string;
  run: string;
  agent: string;
  item: string;
  tool: string;
  /** The tool call that asked, so the resumed run answers exactly that call. */
  tool_use_id: string;
  /** The trust pattern this approval counts towards (core/agents/policy.ts trustPattern). */
  pattern: string;
  created: string;
  /** asked → performing (set before the action runs: at most once) → performed; or denied / refused. */
  state: 'asked' | 'performing' | 'performed' | 'denied' | 'refused';
  answered?: string;
}

export interface NewApproval {
  id: string;
  agent: string;
  run: string;
  item: string;
  subject: string;
  action: string;
  argument: string;
  hash: string;
  created: string;
  rule: string;
  /** What the action would change, shown under the question (a file write's diff). */
  change?: string;
}

export function renderApproval(a: NewApproval): string {
  const front = frontMatterText({
    id: a.id,
    agent: a.agent,
    run: a.run,
    item: a.item,
    action: a.action,
    argument: a.argument,
    hash: a.hash,
    status: 'pending',
    created: a.created,
  }).replace(/^status: pending$/m, 'status: pending                # change to approved or denied, or run aos approve / aos deny');
  const body = [
    `${a.agent} wants to ${describeAction(a.action, a.argument)} while handling "${a.subject}".`,
    '',
    `Asked because of the policy rule ${a.rule}.`,
    `Answer with \`aos approve ${a.id}\` or \`aos deny ${a.id}\`, or change \`status:\` above.`,
    'The next tick performs exactly this action, once; changing the argument here changes nothing.',
    ...(a.change ? ['', a.change.trimEnd()] : []),
  ].join('\n');
  return renderDocument(front, body);
}

function describeAction(action: string, argument: string): string {
  const arg = argument.length > 300 ? argument.slice(0, 299) + '…' : argument;
  switch (action) {
    case 'shell':
      return `run \`${arg}\``;
    case 'http':
      return `fetch ${arg}`;
    case 'file':
      return `write ${arg}`;
    default:
      return `${action} ${arg}`;
  }
}

/**
 * Whether an answered approval file may be acted on: it must be one a run on this device asked for
 * (the ledger), unchanged where it matters, and answer the run and item that wait for it. Returns
 * the reason it may not.
 */
export function verifyAnswer(
  front: ApprovalFront,
  ledger: LedgerEntry | undefined,
  waiting: { item: string; run: string | undefined; agent: string },
): string | undefined {
  if (!ledger) return `no run on this device asked for ${front.id} (an approval that arrived from elsewhere is never acted on)`;
  if (ledger.state !== 'asked') return `${front.id} was already ${ledger.state === 'performing' ? 'acted on (the result was lost in a crash)' : ledger.state}`;
  if (front.hash !== ledger.hash) return `${front.id}'s hash was changed: it no longer names the action that was asked`;
  if (front.run !== ledger.run || front.agent !== ledger.agent) return `${front.id} names a different run or agent than the one that asked`;
  if (ledger.item !== waiting.item || ledger.agent !== waiting.agent || ledger.run !== waiting.run) return `${front.id} was not asked by this item's run`;
  return undefined;
}
