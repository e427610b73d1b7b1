// `aos a2a card` and `aos a2a serve`: this home's sold skills over the A2A protocol (issue 21).
// The SDK and express load only here (dynamic import), never in the tick or status.
import type { Args, Env } from '../env.js';
import { UsageError, UserError, formatProblem } from '../errors.js';
import { openHome, type Home } from '../home/home.js';
import { loadAgents } from '../home/store.js';
import { offerOf, offerProblems, type Offer } from '../core/economy/sellconfig.js';

export const DEFAULT_PORT = 4141;

/**
 * AOS_NOW=2026-12-07T23:00:00Z starts the server's clock there and lets it run on (for drills and
 * tests of idle hours); without it, the real clock.
 */
export function clockFrom(env: Env): Env {
  const at = env.vars.AOS_NOW;
  if (!at) return env;
  const start = Date.parse(at);
  if (Number.isNaN(start)) throw new UsageError(`AOS_NOW=${at}: expected a time like 2026-12-07T23:00:00Z`);
  const real = Date.now();
  return { ...env, now: () => new Date(start + (Date.now() - real)) };
}

/** The home and what it sells, or a clear error naming aos.yaml and the key. */
async function sellingHome(env: Env): Promise<{ home: Home; offer: Offer }> {
  const home = await openHome(env, { quiet: true });
  // Selling on the last good copy of a broken aos.yaml would sell what the owner is changing: refused.
  if (home.brokenConfig) throw new UserError(`aos.yaml is broken, so nothing is sold until it is fixed:\n${home.brokenConfig.map(formatProblem).join('\n')}`);
  const offer = offerOf(home.config.sell_to_network, home.config.default_agent);
  if (!offer) throw new UserError('aos.yaml has no sell_to_network: section, so nothing is sold (see README "Selling idle hours over A2A")');
  const { agents } = await loadAgents(home.root, home.docs);
  const problems = offerProblems(offer, { secrets: Object.keys(home.config.secrets ?? {}), agents: agents.map((a) => a.id) });
  if (problems.length) throw new UserError(problems.map(formatProblem).join('\n'));
  return { home, offer };
}

export async function card(args: Args, env: Env): Promise<void> {
  const { home, offer } = await sellingHome(env);
  const { agentCard } = await import('../flows/a2acard.js');
  const { AgentCard } = await import('@a2a-js/sdk');
  const url = typeof args.url === 'string' ? args.url : `http://127.0.0.1:${DEFAULT_PORT}/`;
  // The card is JSON whatever --json says: it is what a client reads.
  env.out.line(JSON.stringify(AgentCard.toJSON(agentCard(offer, home.config.owner.name, url)), null, 2));
}

export async function serve(args: Args, env: Env): Promise<number> {
  const clocked = clockFrom(env);
  const { home } = await sellingHome(clocked);
  const port = args.port === undefined ? DEFAULT_PORT : Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${String(args.port)}: expected a port number (0 picks a free one)`);
  const host = typeof args.host === 'string' ? args.host : '127.0.0.1';
  const { serveA2A } = await import('../flows/a2aserve.js');
  const server = await serveA2A(home, clocked, { host, port, ...(typeof args.url === 'string' ? { url: args.url } : {}) });
  if (env.out.json) env.out.data({ url: server.url, card: `${server.url}.well-known/agent-card.json` });
  else env.out.line(`aos a2a serve: listening on ${server.url} (card: ${server.url}.well-known/agent-card.json); Ctrl-C stops`);
  const stop = env.catchStop?.();
  await new Promise<void>((resolve) => {
    if (!stop) return;
    if (stop.signal.aborted) resolve();
    stop.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await server.close();
  stop?.dispose();
  return 0;
}
