// `aos route "<text>"`: which agent would take this work, and why, without running anything. With
// routing.classify on and no handles: hint matching, the classifier is asked (or its cache read):
// the same decision the tick makes.
import type { Args, Env } from '../env.js';
import { UsageError } from '../errors.js';
import { openHome } from '../home/home.js';
import { loadAgents } from '../home/store.js';
import { route as routeItem, type RosterEntry } from '../core/agents/route.js';
import { parseCapabilities } from '../core/agents/capabilities.js';
import { subjectOf } from '../core/docs/subject.js';

export async function route(args: Args, env: Env): Promise<number> {
  const text = ((args.text as string[] | undefined) ?? []).join(' ').trim();
  if (!text) throw new UsageError('nothing to route: give the text of the work, e.g. aos route "find papers on sleep"');
  const home = await openHome(env);
  const { agents } = await loadAgents(home.root, home.docs);
  const roster: RosterEntry[] = agents.map((a) => {
    const { errors } = parseCapabilities(a.front.capabilities);
    return { id: a.id, handles: a.front.handles, status: a.front.status, disabled: errors[0] };
  });
  const subject = subjectOf({}, text);
  const r = routeItem({ subject }, roster, home.config.default_agent);
  let answer: { subject: string; agent: string | null; via: string; hint?: string; why: string; cached?: boolean };
  if ('wait' in r) answer = { subject, agent: null, via: 'none', why: r.wait };
  else if (r.via === 'handles') answer = { subject, agent: r.agent, via: 'handles', hint: r.hint, why: `the handles: hint "${r.hint}" of ${r.agent} matches` };
  else if (home.config.routing.classify) {
    const disabled = new Set(roster.filter((a) => a.disabled).map((a) => a.id));
    const c = await (await import('../flows/classify.js')).classifyItem(home, env, agents, (id) => disabled.has(id), subject, env.now().getTime() + 60_000);
    answer = c.picked ? { subject, agent: c.agent, via: 'classify', why: c.why, cached: Boolean(c.cached) } : { subject, agent: c.agent, via: 'default', why: `no handles: hint matches and the classifier was not used: ${c.why}` };
  } else answer = { subject, agent: r.agent, via: 'default', why: 'no handles: hint matches (routing.classify is off): the default agent' };
  await home.docs.save();
  if (env.out.json) env.out.data(answer);
  else env.out.line(answer.agent ? `${answer.agent} (${answer.via}${answer.cached ? ', cached' : ''}): ${answer.why}` : `no agent: ${answer.why}`);
  return answer.agent ? 0 : 1;
}
