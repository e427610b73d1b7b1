// The command table, as data. The entry parses the common, well-formed command lines with node's
// own parseArgs (no cost at startup) and hands everything else — help, mistakes, odd forms — to
// yargs built from this same table, so both always agree on what exists.

import { INIT_MODEL_CHOICES } from './core/agents/startermodel.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  describe: string;
  array?: boolean;
  choices?: readonly string[];
  default?: string;
}

export interface PositionalSpec {
  name: string;
  describe: string;
  required?: boolean;
  variadic?: boolean;
}

export interface CommandSpec {
  path: readonly string[];
  describe: string;
  positionals?: readonly PositionalSpec[];
  options?: Readonly<Record<string, OptionSpec>>;
  load: () => Promise<unknown>;
  handler: string;
}

export interface GroupSpec {
  name: string;
  describe: string;
}

export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  home: { type: 'string', describe: 'the home folder (default: $AOS_HOME, then the nearest aos.yaml)' },
  json: { type: 'boolean', describe: 'print data as JSON' },
};

const inbox = () => import('./commands/inbox.js');
const agent = () => import('./commands/agent.js');
const memory = () => import('./commands/memory.js');
const goal = () => import('./commands/goal.js');
const skill = () => import('./commands/skill.js');
const mission = () => import('./commands/mission.js');
const chain = () => import('./commands/chain.js');
const id = (describe: string): PositionalSpec[] => [{ name: 'id', describe, required: true }];

export const GROUPS: GroupSpec[] = [
  { name: 'inbox', describe: 'capture work and see what is pending' },
  { name: 'agent', describe: 'the roster' },
  { name: 'memory', describe: 'search, read, add and check memory' },
  { name: 'goal', describe: 'goals, the gap tracker, what is due today' },
  { name: 'rules', describe: 'the rulebook of junk paths and change limits' },
  { name: 'skill', describe: 'gated skills: procedures that earned a track record' },
  { name: 'bench', describe: 'benchmark results, always with the configuration that made them' },
  { name: 'a2a', describe: 'sell idle hours to other agents over A2A (issue 21)' },
  { name: 'mission', describe: 'missions: a goal carried through plan, implement, verify, replay, promote' },
  { name: 'chain', describe: 'task chains: chains/<name>.yaml, their runs step by step' },
];

export const COMMANDS: CommandSpec[] = [
  {
    path: ['init'],
    describe: 'make a new home from the starter files',
    positionals: [{ name: 'dir', describe: 'folder for the new home (default: here)' }],
    options: {
      owner: { type: 'string', describe: "the owner's name" },
      timezone: { type: 'string', describe: "IANA time zone, e.g. Europe/Lisbon (default: this machine's)" },
      model: {
        type: 'string',
        describe: "the home's model: auto takes what this machine has (ANTHROPIC_API_KEY, claude, codex, ollama); default auto on a terminal, else none",
        choices: INIT_MODEL_CHOICES,
      },
    },
    load: () => import('./commands/init.js'),
    handler: 'init',
  },
  {
    path: ['inbox', 'add'],
    describe: 'add an item (the text, or stdin when none is given)',
    positionals: [{ name: 'text', describe: 'what to do', variadic: true }],
    options: {
      to: { type: 'string', describe: 'the agent that should handle it' },
      priority: { type: 'string', describe: 'how urgent', choices: ['low', 'normal', 'high', 'urgent'], default: 'normal' },
    },
    load: inbox,
    handler: 'add',
  },
  { path: ['inbox', 'list'], describe: 'pending items', options: { all: { type: 'boolean', describe: 'include handled items' } }, load: inbox, handler: 'list' },
  { path: ['inbox', 'show'], describe: 'one item in full', positionals: id('the item id (or its start)'), load: inbox, handler: 'show' },
  { path: ['agent', 'list'], describe: 'every agent', load: agent, handler: 'list' },
  { path: ['agent', 'show'], describe: 'one agent in full', positionals: id('the agent id'), load: agent, handler: 'show' },
  {
    path: ['agent', 'new'],
    describe: 'add an agent from a template',
    positionals: id('the new agent id: lowercase letters, digits, dashes'),
    options: {
      role: { type: 'string', describe: 'what it does, one line' },
      handles: { type: 'string', array: true, describe: 'routing hints' },
    },
    load: agent,
    handler: 'create',
  },
  { path: ['agent', 'pause'], describe: 'stop giving it work', positionals: id('the agent id'), load: agent, handler: 'pause' },
  { path: ['agent', 'resume'], describe: 'give it work again', positionals: id('the agent id'), load: agent, handler: 'resume' },
  {
    path: ['bench', 'show'],
    describe: 'benchmark results with their mode and configuration; one without its configuration is refused',
    positionals: [{ name: 'result', describe: 'a result (benchmarks/<date>-<suite>.md, or its suite name); default: all' }],
    load: () => import('./commands/bench.js'),
    handler: 'show',
  },
  {
    path: ['bench', 'run'],
    describe: 'run a suite of missions (bench/missions/<suite>/) and write benchmarks/<date>-<suite>.md with the configuration that made it',
    positionals: [{ name: 'suite', describe: 'the suite: a folder of bench/missions/ in the home or shipped with aos (e.g. starter)', required: true }],
    options: {
      mode: { type: 'string', choices: ['full-loop', 'single-model'], describe: 'full-loop (the default: candidates, repair rounds) or single-model (one candidate, no repair)' },
      candidates: { type: 'string', describe: 'candidates per mission (full-loop; default 1)' },
      brains: { type: 'string', describe: "the candidates' brains, comma-separated" },
      'repair-rounds': { type: 'string', describe: 'repair rounds per mission (full-loop; default aos.yaml mission.repair_rounds or 2)' },
      agent: { type: 'string', describe: 'the implementing agent (default coder)' },
      'max-steps': { type: 'string', describe: 'stages per task at most (default 30)' },
      minutes: { type: 'string', describe: 'time for the whole suite (default 60)' },
    },
    load: () => import('./commands/bench.js'),
    handler: 'run',
  },
  { path: ['skill', 'list'], describe: 'every skill, its status and track record', load: skill, handler: 'list' },
  { path: ['skill', 'show'], describe: 'one skill in full: record and procedure', positionals: id('the skill id'), load: skill, handler: 'show' },
  { path: ['skill', 'enable'], describe: 'offer it to agents (needs skills.min_successes promoted missions)', positionals: id('the skill id'), load: skill, handler: 'enable' },
  { path: ['skill', 'retire'], describe: 'stop offering it', positionals: id('the skill id'), load: skill, handler: 'retire' },
  {
    path: ['review'],
    describe: "the weekly self-review: the week's spend, failures, slow agents and routing misses, read once by the coordinator's model, with at most three proposals filed for you",
    options: {
      week: { type: 'string', describe: 'the ISO week to review, e.g. 2026-W49 (default: this week)' },
      'print-only': { type: 'boolean', describe: 'print it; write, file and commit nothing' },
    },
    load: () => import('./commands/review.js'),
    handler: 'review',
  },
  {
    path: ['trace'],
    describe: 'the tree of one piece of work: its items, delegations, messages and runs (agent, brain, outcome, tokens, time)',
    positionals: [{ name: 'item', describe: 'any item of the work (id or its start)', required: true }],
    load: () => import('./commands/trace.js'),
    handler: 'trace',
  },
  {
    path: ['log'],
    describe: "read the daily log (today's by default)",
    options: {
      since: { type: 'string', describe: 'from this day: YYYY-MM-DD, yesterday, or Nd (days ago)' },
      agent: { type: 'string', describe: 'only entries by this agent' },
      grep: { type: 'string', describe: 'only entries containing this text (case-insensitive)' },
    },
    load: () => import('./commands/log.js'),
    handler: 'log',
  },
  {
    path: ['tick'],
    describe: 'the heartbeat: serve the inbox and the schedules (cron runs this)',
    options: { 'dry-run': { type: 'boolean', describe: 'print what this tick would do; change nothing (no lock, no commit, no file)' } },
    load: () => import('./commands/tick.js'),
    handler: 'tick',
  },
  {
    path: ['run'],
    describe: 'one agent run now, in the foreground, streaming its answer',
    positionals: [
      { name: 'agent', describe: 'the agent id', required: true },
      { name: 'task', describe: 'what to do (or stdin)', variadic: true },
    ],
    load: () => import('./commands/run.js'),
    handler: 'run',
  },
  {
    path: ['runs'],
    describe: 'recent run records',
    options: {
      agent: { type: 'string', describe: 'only runs of this agent' },
      since: { type: 'string', describe: 'from this day: YYYY-MM-DD, yesterday, or Nd (days ago)' },
      limit: { type: 'string', describe: 'at most this many (default 20)' },
      cache: { type: 'boolean', describe: 'when and why the cached prompt prefix changed (instructions, MEMORY.md, tools, model)' },
    },
    load: () => import('./commands/runs.js'),
    handler: 'runs',
  },
  {
    path: ['usage'],
    describe: 'tokens, USD, runs, failures and tool calls summed from the run records',
    options: {
      since: { type: 'string', describe: 'from this day: YYYY-MM-DD, yesterday, or Nd (default 30d)' },
      by: { type: 'string', describe: 'group by (route: how the items each agent handled came out)', choices: ['agent', 'day', 'model', 'route'], default: 'agent' },
    },
    load: () => import('./commands/usage.js'),
    handler: 'usage',
  },
  {
    path: ['report'],
    describe: 'a static report site from the home\'s files (offline, no CDN): overview, runs, spend, goals, memory, capabilities',
    options: {
      out: { type: 'string', describe: 'the folder to write it to (default .aos/report)' },
      open: { type: 'boolean', describe: 'open it in the browser (xdg-open) once written' },
    },
    load: () => import('./commands/report.js'),
    handler: 'report',
  },
  {
    path: ['serve'],
    describe: 'the report pages live on 127.0.0.1 (token in the URL), refreshed as files change, with approve/deny and the control API (docs/api.md)',
    options: { port: { type: 'string', describe: 'the port (default 4747)' } },
    load: () => import('./commands/pageserve.js'),
    handler: 'serve',
  },
  {
    path: ['replay'],
    describe: 'replay a run against its recorded model turns and report where it diverges',
    positionals: [{ name: 'run', describe: 'the run id (or its start)', required: true }],
    options: { live: { type: 'boolean', describe: 'ask the current model instead, for comparison' } },
    load: () => import('./commands/replay.js'),
    handler: 'replay',
  },
  {
    path: ['approve'],
    describe: "approve an action an agent asked for (no id: list those waiting)",
    positionals: [{ name: 'id', describe: 'the approval id, e.g. ap-20261121T110000-x9q2 (or its start)' }],
    load: () => import('./commands/approve.js'),
    handler: 'approve',
  },
  {
    path: ['deny'],
    describe: 'deny an action an agent asked for (no id: list those waiting)',
    positionals: [{ name: 'id', describe: 'the approval id (or its start)' }],
    load: () => import('./commands/approve.js'),
    handler: 'deny',
  },
  {
    path: ['can'],
    describe: 'would this agent be allowed this action? allowed, ask or refused, and why',
    positionals: [
      { name: 'agent', describe: 'the agent id', required: true },
      { name: 'tool', describe: 'any tool an agent can be given, by its name (read_file, run_shell, fetch_url, browse_page, send_message, remember, delegate_remote ...), or shell, file-read, file-write, http-post ..., message, spawn, memory-read, memory-write', required: true },
      { name: 'argument', describe: 'what the call names: the command (quoted as one argument), path, URL ("POST https://…"), agent, "*" or role:<word>, topic, goal', required: true },
    ],
    load: () => import('./commands/can.js'),
    handler: 'can',
  },
  {
    path: ['audit'],
    describe: "every capability use of an agent from its run records: time, tool, argument, verdict, rule, run",
    positionals: [{ name: 'agent', describe: 'the agent id', required: true }],
    options: { since: { type: 'string', describe: 'from this day: YYYY-MM-DD, yesterday, or Nd (days ago)' } },
    load: () => import('./commands/audit.js'),
    handler: 'audit',
  },
  {
    path: ['memory', 'search'],
    describe: 'search memory, the log, handled items and goals',
    positionals: [{ name: 'query', describe: 'what to look for', required: true, variadic: true }],
    options: {
      type: { type: 'string', describe: 'only this kind of document', choices: ['memory', 'log', 'done', 'goal'] },
      since: { type: 'string', describe: 'from this day: YYYY-MM-DD, yesterday, or Nd (days ago)' },
      limit: { type: 'string', describe: 'at most this many hits (default 10)' },
      'as-of': { type: 'string', describe: 'the day the question is asked, for its dates ("last May"): YYYY-MM-DD (default today)' },
    },
    load: () => import('./commands/memory-search.js'),
    handler: 'search',
  },
  { path: ['memory', 'show'], describe: 'one memory (or the index when none is named)', positionals: [{ name: 'slug', describe: 'the topic, e.g. prefers-trains' }], options: { agent: { type: 'string', describe: "an agent's private memory (memory/agents/<id>/)" } }, load: memory, handler: 'show' },
  {
    path: ['memory', 'add'],
    describe: 'a new memory file and its index line, committed',
    positionals: [{ name: 'title', describe: 'what it is, in a few words', required: true, variadic: true }],
    options: {
      type: { type: 'string', describe: 'its type', choices: ['fact', 'decision', 'lesson', 'preference', 'person', 'project'], default: 'fact' },
      description: { type: 'string', describe: 'one line (at most 150 characters); the text goes on stdin' },
      slug: { type: 'string', describe: 'the file name (default: from the title)' },
    },
    load: memory,
    handler: 'add',
  },
  { path: ['memory', 'lint'], describe: 'check the index and the topics; exit 1 on problems', load: memory, handler: 'lint' },
  {
    path: ['dream'],
    describe: 'consolidate memory from the log since the last dream (on a branch dream/<date>, merged when its gates pass); or show (every dream branch, or one <date>) and merge|drop|revert <date>',
    positionals: [
      { name: 'action', describe: 'show | merge | drop | revert a dream branch (none: dream now)' },
      { name: 'date', describe: 'the dream branch: dream/<date> (its date, or date-N); show without it lists them all' },
    ],
    options: {
      'if-due': { type: 'boolean', describe: 'only when enough time and runs have passed (dream.min_hours, dream.min_runs)' },
      'dry-run': { type: 'boolean', describe: 'print the plan; change nothing' },
    },
    load: () => import('./commands/dream.js'),
    handler: 'dream',
  },
  {
    path: ['goal', 'new'],
    describe: "a new goal: researched by its owner agent with a model, else a template to fill in",
    positionals: [{ name: 'title', describe: 'the goal, e.g. "IELTS writing 7 to 8.5"', required: true, variadic: true }],
    options: {
      owner: { type: 'string', describe: 'the agent that owns it (default: default_agent)' },
      deadline: { type: 'string', describe: 'when, as YYYY-MM-DD' },
      slug: { type: 'string', describe: 'the file name (default: from the title)' },
      template: { type: 'boolean', describe: 'a template to fill in, even with a model' },
    },
    load: goal,
    handler: 'create',
  },
  { path: ['goal', 'list'], describe: 'every goal with its gap and pace against the deadline', load: goal, handler: 'list' },
  { path: ['goal', 'show'], describe: 'one goal: the skill tree, current against target', positionals: [{ name: 'goal', describe: 'the goal (its file name or the start of it)', required: true }], load: goal, handler: 'show' },
  {
    path: ['goal', 'log'],
    describe: "progress: sets the skill's current value, adds it to the goal's History and the log, committed",
    positionals: [
      { name: 'goal', describe: 'the goal (its file name or the start of it)', required: true },
      { name: 'skill', describe: 'the skill id (or "metric")', required: true },
      { name: 'value', describe: "the new value on the skill's scale", required: true },
    ],
    options: { note: { type: 'string', describe: 'one line: what went well or the main weakness' } },
    load: goal,
    handler: 'log',
  },
  {
    path: ['goal', 'due'],
    describe: 'what is due, ranked by weighted gap and how overdue the cadence is',
    options: { date: { type: 'string', describe: 'for this day (YYYY-MM-DD) instead of today' } },
    load: goal,
    handler: 'due',
  },
  {
    path: ['brief'],
    describe: 'the morning brief: due drills, pending work, yesterday, goals behind pace, suggestions',
    options: { 'print-only': { type: 'boolean', describe: 'only print it: no log entry, no commit, no notify.command' } },
    load: () => import('./commands/brief.js'),
    handler: 'brief',
  },
  {
    path: ['route'],
    describe: 'which agent would take this work and why (handles: hint, classifier, default), without running anything',
    positionals: [{ name: 'text', describe: 'the work, as it would be written in the inbox', variadic: true }],
    load: () => import('./commands/route.js'),
    handler: 'route',
  },
  { path: ['status'], describe: 'one screen: agents, inbox, goals, last tick and dream, lock, sync', load: () => import('./commands/status.js'), handler: 'status' },
  {
    path: ['a2a', 'card'],
    describe: "print this home's A2A agent card (the skills aos.yaml sell_to_network sells)",
    options: { url: { type: 'string', describe: 'the public URL the card names (default http://127.0.0.1:4141/)' } },
    load: () => import('./commands/a2a.js'),
    handler: 'card',
  },
  {
    path: ['a2a', 'serve'],
    describe: 'serve the agent card and take sold jobs over A2A JSON-RPC (foreground; 127.0.0.1 unless --host)',
    options: {
      port: { type: 'string', describe: 'the port (default 4141; 0 picks a free one)' },
      host: { type: 'string', describe: 'the address to listen on (default 127.0.0.1; expose it through a TLS reverse proxy)' },
      url: { type: 'string', describe: 'the public URL the card names, when behind a reverse proxy' },
    },
    load: () => import('./commands/a2a.js'),
    handler: 'serve',
  },
  {
    path: ['ledger'],
    describe: 'earnings, costs and net of A2A jobs, per skill and per month',
    options: { since: { type: 'string', describe: 'from this date (2026-11-01, yesterday, 30d)' } },
    load: () => import('./commands/ledger.js'),
    handler: 'ledger',
  },
  {
    path: ['mcp'],
    describe: 'an MCP server over stdio: memory, inbox, log, goals, agents and runs for other agent tools (docs/mcp.md)',
    options: {
      agent: { type: 'string', describe: "act as this agent, with exactly its capabilities (default: the owner's own rights)" },
      run: { type: 'string', describe: 'the run this server works for (set by a tick for its brain)' },
      'under-lock': { type: 'string', describe: "the token of the tick's lock this server writes under (set by a tick for its brain)" },
    },
    load: () => import('./commands/mcp.js'),
    handler: 'mcp',
  },
  { path: ['sync'], describe: 'commit, pull with rebase, push; stops cleanly on a conflict and names the files', load: () => import('./commands/sync.js'), handler: 'sync' },
  {
    path: ['completion'],
    describe: 'print a shell completion script: source <(aos completion bash)',
    positionals: [{ name: 'shell', describe: 'bash, zsh or fish', required: true }],
    load: () => import('./completion.js'),
    handler: 'completion',
  },
  {
    path: ['rules', 'check'],
    describe: 'judge a change (uncommitted, or --range A..B) against the rulebook and the limits; exit 1 names each path and rule',
    options: {
      repo: { type: 'string', describe: 'the git repository (default: the home)' },
      range: { type: 'string', describe: 'the commits A..B instead of the uncommitted changes' },
    },
    load: () => import('./commands/rules.js'),
    handler: 'check',
  },
  {
    path: ['mission', 'new'],
    describe: 'a new mission on a git repository: the tick plans, implements, verifies, replays and promotes it',
    positionals: [{ name: 'goal', describe: 'the goal, e.g. "fix add() so its test passes"', required: true, variadic: true }],
    options: {
      repo: { type: 'string', describe: 'the target git repository (default: the home)' },
      agent: { type: 'string', describe: 'the agent that plans and implements (default: coder)' },
      check: { type: 'string', array: true, describe: 'a check command run in the worktree at verify, e.g. "npm test" (repeatable)' },
      promote: { type: 'string', choices: ['ask', 'auto'], describe: "ask (the owner's approval, the default) or auto" },
      merge: { type: 'string', choices: ['ff', 'merge'], describe: 'ff (fast-forward, the default) or merge (a merge commit)' },
      'repair-rounds': { type: 'string', describe: 'times a failed verify goes back to implement (default 2)' },
      'max-files': { type: 'string', describe: 'the rulebook limit on changed files (default 80)' },
      'max-kb': { type: 'string', describe: 'the rulebook limit on changed KB (default 1024)' },
      candidates: { type: 'string', describe: 'the arena: implement runs this many candidates, each in its own worktree, and the best goes on (default 1)' },
      skill: { type: 'string', array: true, describe: 'a skill the mission uses (repeatable): an enabled one, or a candidate in trial; its record gets the outcome' },
      review: { type: 'string', describe: 'the critic: another agent that reviews the change before promote; its findings send it back to implement (aos.yaml mission.review)' },
      brains: { type: 'string', describe: 'each candidate\'s brain in order, comma-separated: a brain profile (claude, codex) or provider:model' },
      'review-brains': { type: 'string', describe: 'independent reviews by the critic, one per brain, comma-separated (codex,claude or provider:model); all must approve (aos.yaml mission.review.brains)' },
      bench: { type: 'string', describe: 'the benchmark gate before promote: a command run like a check; its figure is the last number it prints (aos.yaml mission.bench)' },
      'bench-min': { type: 'string', describe: 'the bench passes when its figure is at least this' },
      'bench-max': { type: 'string', describe: 'the bench passes when its figure is at most this' },
    },
    load: mission,
    handler: 'create',
  },
  { path: ['mission', 'list'], describe: 'every mission with its stage and status', load: mission, handler: 'list' },
  { path: ['mission', 'show'], describe: 'one mission: the stage ladder with the evidence of each stage', positionals: id('the mission id (or the start of it)'), load: mission, handler: 'show' },
  { path: ['mission', 'stop'], describe: 'stop a mission: the tick leaves it where it is', positionals: id('the mission id (or the start of it)'), load: mission, handler: 'stop' },
  { path: ['mission', 'resume'], describe: 'resume a stopped, failed or refused mission at its stage', positionals: id('the mission id (or the start of it)'), load: mission, handler: 'resume' },
  {
    path: ['chain', 'run'],
    describe: 'start a run of chains/<name>.yaml; the next tick files its first step',
    positionals: [
      { name: 'name', describe: 'the chain (its file name without .yaml)', required: true },
      { name: 'input', describe: 'the run\'s input, {{input}} in the steps', variadic: true },
    ],
    load: chain,
    handler: 'run',
  },
  { path: ['chain', 'list'], describe: 'the chains and their runs, newest first', load: chain, handler: 'list' },
  { path: ['chain', 'show'], describe: 'one run step by step', positionals: [{ name: 'run', describe: 'the run id (or its start)', required: true }], load: chain, handler: 'show' },
  { path: ['doctor'], describe: 'validate every file; exit 1 if anything needs fixing', load: () => import('./commands/doctor.js'), handler: 'doctor' },
];
