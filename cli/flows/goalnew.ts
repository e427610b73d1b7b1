// `aos goal new`: the owner agent researches the goal and writes its skill tree (one model call,
// its answer checked against the goal schema), or, without a model, a template to fill in. The
// file is created exclusively and committed with the log entry; an invalid answer writes nothing.
import { join } from 'node:path';
import { goalFromAnswer, goalTemplate, researchPrompt, type GoalBase } from '../core/goals/goalnew.js';
import { slugify } from '../core/docs/ids.js';
import { localTime } from '../core/docs/time.js';
import { agentIdentity, quoteSubject } from '../core/docs/commit.js';
import { costOf } from '../core/runs/prices.js';
import type { Usage } from '../core/runs/transcript.js';
import { UserError, UsageError, formatProblem } from '../errors.js';
import type { Env } from '../env.js';
import type { Home } from '../home/home.js';
import { loadAgents } from '../home/store.js';
import { createExclusive, isErrno } from '../home/files.js';
import { appendLog } from '../home/log.js';
import { lockPath } from '../home/lock.js';
import { commitAsOwner, commitHandEditsFirst } from './ownercommit.js';
import { askOnce } from './ask.js';
import { SLUG } from '../core/docs/ids.js';

export interface GoalNewOptions {
  title: string;
  owner?: string;
  deadline?: string;
  slug?: string;
  /** A template even when a model is configured. */
  template?: boolean;
}

export interface GoalNewResult {
  goal: string;
  file: string;
  owner: string;
  researched: boolean;
  skills: number;
  commit?: string;
  usage?: Usage;
}

const RESEARCH_BUDGET_MS = 5 * 60_000;

export async function newGoal(home: Home, env: Env, opts: GoalNewOptions): Promise<GoalNewResult> {
  const title = opts.title.replace(/\s+/g, ' ').trim();
  if (!title) throw new UsageError('a goal needs a title: aos goal new "IELTS writing 7 to 8.5"');
  if (opts.deadline !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(opts.deadline)) throw new UsageError(`--deadline: expected a date like 2027-03-01, found ${JSON.stringify(opts.deadline)}`);
  const slug = opts.slug ?? slugify(title);
  if (!SLUG.test(slug)) throw new UsageError(`--slug: expected lowercase letters, digits and dashes, found ${JSON.stringify(slug)}`);
  const file = `goals/${slug}.md`;
  await commitHandEditsFirst(home, env, 'goal new');
  const ownerId = opts.owner ?? home.config.default_agent;
  const { agents } = await loadAgents(home.root, home.docs);
  const agent = agents.find((a) => a.id === ownerId);
  if (!agent) throw new UsageError(`--owner ${ownerId}: expected one of the agents (${agents.map((a) => a.id).join(', ')})`);
  const at = env.now();
  const tz = home.config.owner.timezone;
  const base: GoalBase = { title, owner: ownerId, created: localTime(at, tz).date, deadline: opts.deadline };

  let text: string;
  let usage: Usage | undefined;
  let model: string | undefined;
  // The owner agent thinks with its own brain: (a CLI brain) when it has one, else aos.yaml's model.
  if (opts.template || (home.config.model.provider === 'none' && !agent.front.brain)) {
    text = goalTemplate(base);
  } else {
    const { agentProvider } = await import('../model/brains.js');
    const choice = await agentProvider(home, env, agent, lockPath(home.root));
    if ('missing' in choice) throw new UserError(`cannot research the goal: ${choice.missing} (or add --template for a goal to fill in by hand)`);
    const answer = await askOnce(home, env, choice.provider, { stable: agent.body.trim(), dynamic: `Today: ${base.created}. Owner: ${home.config.owner.name}.` }, researchPrompt(base), RESEARCH_BUDGET_MS).catch((err: unknown) => {
      throw err instanceof UserError ? new UserError(`${err.message}; nothing was written`) : err;
    });
    usage = answer.usage;
    model = choice.provider.model;
    const built = goalFromAnswer(file, answer.text, base);
    if (!built.text) {
      throw new UserError(
        `${ownerId}'s answer is not a valid goal, so nothing was written:\n${built.problems.map(formatProblem).join('\n')}\nTry again, or use --template for a goal to fill in by hand.`,
      );
    }
    text = built.text;
  }

  try {
    await createExclusive(join(home.root, file), text);
  } catch (err) {
    if (isErrno(err, 'EEXIST')) throw new UserError(`${file} already exists; nothing was changed (give another --slug, or edit that goal)`);
    throw err;
  }
  const skills = (text.match(/^ {2}- id: /gm) ?? []).length;
  const log = await appendLog(home, tz, at, {
    kind: 'goal',
    agent: usage ? ownerId : 'owner',
    ref: slug,
    body: usage ? `New goal ${file}: ${quoteSubject(title, 100)}, researched by ${ownerId} (${skills} skills).` : `New goal ${file} from the template: ${quoteSubject(title, 100)}.`,
  });
  // The run module is big (tools, records); only a researched goal needs its usage trailer.
  const usageTrailer = usage ? (await import('./execute.js')).usageTrailer : undefined;
  const sha = await commitAsOwner(home, env, 'goal new', {
    ...(usage ? { who: agentIdentity(ownerId) } : {}),
    subject: `goal: new ${quoteSubject(title)}`,
    trailers: {
      'Aos-Kind': 'goal-new',
      'Aos-Goal': slug,
      'Aos-Agent': usage ? ownerId : undefined,
      'Aos-Usage': usage && model && usageTrailer ? usageTrailer(usage, costOf(model, usage, home.config.model.prices)) : undefined,
    },
    paths: [file, log],
  });
  return { goal: slug, file, owner: ownerId, researched: Boolean(usage), skills, commit: sha, usage };
}
