// Capabilities: "kind:resource:actions{constraints}". Parsed strictly; a bad one disables its
// agent. Matching is pure: state in, a verdict with its reason out. Nothing is allowed that no
// capability grants.
import picomatch from 'picomatch';
import { URI_PREFIX, uriToShort } from './capuri.js';

export const KIND_ACTIONS = {
  file: ['read', 'write'],
  shell: ['execute'],
  http: ['get', 'head', 'post', 'put', 'patch', 'delete'],
  agent: ['delegate', 'message', 'spawn', 'broadcast'],
  memory: ['read', 'write'],
  goal: ['read', 'write'],
  inbox: ['read', 'write'],
  // skill:*:propose lets an agent file a candidate skill (tools/skills.ts); only the owner enables one.
  skill: ['propose'],
  // Issue 20: browse_page may run a page's JavaScript in headless Chromium ("browser:render").
  browser: ['render'],
} as const;
export type Kind = keyof typeof KIND_ACTIONS;

export interface Capability {
  /** As written in the agent file. */
  text: string;
  kind: Kind;
  resources: string[];
  actions: string[];
  constraints: Record<string, string[]>;
}

export type Parsed = { cap: Capability } | { error: string };

const CONSTRAINT_KEYS: Record<Kind, readonly string[]> = {
  file: [],
  // timeout: "30s"/"2m"; cwd: home | scratch; network: on | off; write: folders the command may
  // write (inside bubblewrap); syntax: shell features granted (pipe, chain, redirect, glob, expand,
  // substitution); subcommands: e.g. git's allowed subcommands; remotes: git remotes it may push/fetch.
  // cpu, memory, processes: rlimits of each process the command starts (defaults in shellcheck.ts).
  shell: ['timeout', 'cwd', 'network', 'write', 'syntax', 'subcommands', 'remotes', 'cpu', 'memory', 'processes'],
  // scheme: "http" also allows plain http; private: "allow" reaches private/loopback/link-local
  // addresses; ports: extra ports besides the scheme's default; auth: a secret's name sent as a bearer token.
  http: ['timeout', 'max_bytes', 'scheme', 'private', 'ports', 'auth'],
  // to: a2a:https://host/… is a remote A2A agent (issue 21): max_usd caps what one job may cost
  // (required for a remote), auth names the secret sent as its client key.
  agent: ['to', 'max', 'depth', 'max_usd', 'auth'],
  // memory:private:read{agent:scout} reads scout's private memory; without it, the agent's own.
  memory: ['agent'],
  goal: [],
  inbox: [],
  skill: [],
  browser: [],
};

function splitConstraints(body: string): [string, string][] | string {
  const out: [string, string][] = [];
  // "to:a,b;max:3" and the older "to:a,max:3" both read: a comma before "key:" starts a new pair.
  for (const part of body.split(/;|,(?=\s*[a-z_]+\s*:)/)) {
    if (!part.trim()) continue;
    const m = /^\s*([a-z_]+)\s*:\s*(.+?)\s*$/.exec(part);
    if (!m) return `"${part.trim()}" is not key:value`;
    out.push([m[1]!, m[2]!]);
  }
  return out;
}

/** Keys every kind accepts: rate is "N/sec|min|hour|day", counted per agent and capability. */
const ANY_KIND_KEYS = ['rate'];

/** "100/min" → 100 uses per 60 s, or why not. */
export function parseRate(text: string): { count: number; windowMs: number; per: string } | { error: string } {
  const m = /^(\d{1,6})\/(s|sec|second|m|min|minute|h|hour|d|day)$/.exec(text);
  if (!m || Number(m[1]) < 1) return { error: `rate "${text}" is not like 100/min (a whole number per sec, min, hour or day)` };
  const unit = m[2]![0] === 's' ? 1000 : m[2]![0] === 'm' ? 60_000 : m[2]![0] === 'h' ? 3_600_000 : 86_400_000;
  return { count: Number(m[1]), windowMs: unit, per: m[2]! };
}

/** Folders whose files are the machine's live state (a process's environment, devices): never granted. */
const PSEUDO_ROOTS = ['proc', 'sys', 'dev'];

/** Why an absolute file grant is refused, if it is. */
function absoluteGrantError(glob: string): string | undefined {
  const segs = glob.slice(1).split('/');
  if (segs.some((s) => s === '' || s === '.' || s === '..')) return `"${glob}": write an absolute path plainly (no empty, . or .. parts)`;
  if (/[*?]/.test(segs[0]!)) return `"${glob}": an absolute grant names its first folder (not /* or /**)`;
  if (PSEUDO_ROOTS.includes(segs[0]!.toLowerCase())) return `"${glob}": /${segs[0]} holds live process and device state and is never granted`;
  return undefined;
}

export function parseCapability(written: string): Parsed {
  if (written.startsWith(URI_PREFIX)) {
    const short = uriToShort(written);
    if ('error' in short) return { error: `capability "${written}": ${short.error}` };
    const p = parseCapability(short.short);
    // "Granted by" and errors name the capability as the owner wrote it.
    return 'cap' in p ? { cap: { ...p.cap, text: written } } : { error: p.error.replace(`capability "${short.short}"`, `capability "${written}" (read as "${short.short}")`) };
  }
  const text = written;
  const fail = (why: string): Parsed => ({ error: `capability "${text}": ${why}` });
  if (/[\s\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/.test(text.replace(/\{[^}]*\}$/, ''))) {
    return fail('spaces, control or invisible characters are not allowed outside {…}');
  }
  const m = /^([a-z]+):(.*?)(?:\{([^{}]*)\})?$/.exec(text);
  if (!m) return fail('expected kind:resource:actions{constraints}');
  const kind = m[1] as Kind;
  if (!(kind in KIND_ACTIONS)) return fail(`kind "${m[1]}" is not one of ${Object.keys(KIND_ACTIONS).join(', ')}`);
  const parts = m[2]!.split(':');
  // "agent:delegate{…}" has no resource; every other form is kind:resource:actions.
  if (parts.length === 1) parts.unshift('*');
  if (parts.length !== 2) return fail('expected exactly kind:resource:actions');
  const [resource, actionText] = parts as [string, string];
  const resources = resource.split(',');
  if (resources.some((r) => !r)) return fail('an empty resource');
  const known: readonly string[] = KIND_ACTIONS[kind];
  // "*" is every action of the kind (http:api.example.com:* is any method).
  const actions = actionText === '*' ? [...known] : actionText.split(',');
  const bad = actions.find((a) => !known.includes(a));
  if (bad !== undefined) return fail(`action "${bad}" is not one of ${known.join(', ')}`);
  const constraints: Record<string, string[]> = {};
  if (m[3] !== undefined) {
    const pairs = splitConstraints(m[3]);
    if (typeof pairs === 'string') return fail(pairs);
    for (const [k, v] of pairs) {
      const keys = [...CONSTRAINT_KEYS[kind], ...ANY_KIND_KEYS];
      if (!keys.includes(k)) return fail(`constraint "${k}" is not one of ${keys.join(', ')}`);
      if (k in constraints) return fail(`constraint "${k}" given twice`);
      constraints[k] = v.split(',').map((s) => s.trim()).filter(Boolean);
    }
  }
  if (kind === 'file' && resources.some((r) => r.startsWith('~') || (!r.startsWith('/') && r.split('/').includes('..')))) return fail('file paths are relative to the home (or absolute, from /), without ..');
  for (const r of kind === 'file' ? resources.filter((g) => g.startsWith('/')) : []) {
    const why = absoluteGrantError(r);
    if (why) return fail(why);
  }
  // Only plain globs (* ** ? and literal names): negation and extglobs would grant more than they appear to.
  if (kind === 'file' && resources.some((r) => /[!()|@+[\]{}\\]/.test(r))) return fail('file globs may use only *, ** and ? (no !, brackets, braces or extglobs)');
  if (constraints.rate) {
    const r = constraints.rate.length === 1 ? parseRate(constraints.rate[0]!) : { error: 'one rate, like 100/min' };
    if ('error' in r) return fail(r.error);
  }
  if (constraints.agent && !(kind === 'memory' && resources.length === 1 && resources[0] === 'private')) return fail('agent:… names whose private memory: only memory:private:… takes it');
  if (kind === 'agent' && actions.includes('spawn') && actions.length > 1) return fail('agent:spawn stands alone (write agent:delegate and agent:spawn as two capabilities)');
  // Its max is recipients per broadcast, not delegations per item: two meanings, two capabilities.
  if (kind === 'agent' && actions.includes('broadcast') && actions.length > 1) return fail('agent:broadcast stands alone (write it as its own capability, e.g. agent:broadcast{max:5})');
  for (const n of ['max', 'depth']) {
    const v = constraints[n];
    if (v && (v.length !== 1 || !/^\d{1,3}$/.test(v[0]!))) return fail(`${n} must be a whole number`);
  }
  if (kind === 'agent') {
    const remote = remoteDelegationError(constraints);
    if (remote) return fail(remote);
  }
  return { cap: { text, kind, resources, actions, constraints } };
}

/** Why a delegation to a remote A2A agent is written wrong, if it is. */
function remoteDelegationError(constraints: Record<string, string[]>): string | undefined {
  const remotes = (constraints.to ?? []).filter((t) => t.startsWith('a2a:'));
  const bad = remotes.find((t) => !/^a2a:https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(t));
  if (bad) return `"${bad}" is not a2a:https://host/path (a remote agent's base URL)`;
  const max = constraints.max_usd;
  if (max && (max.length !== 1 || !/^\$?\d{1,6}(\.\d{1,6})?$/.test(max[0]!))) return 'max_usd must be a dollar amount like 0.10';
  if (remotes.length && !max) return 'a delegation to a remote agent (a2a:…) names max_usd, the most one job may cost';
  if ((constraints.auth ?? []).some((a) => !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(a)) || (constraints.auth?.length ?? 0) > 1) return 'auth names one secret, like auth:SELLER_KEY';
  return undefined;
}

/** Parses an agent's capabilities; any error disables the agent. Given its file, each error names it. */
export function parseCapabilities(texts: readonly string[], file?: string): { caps: Capability[]; errors: string[] } {
  const caps: Capability[] = [];
  const errors: string[] = [];
  for (const t of texts) {
    const p = parseCapability(t);
    if ('cap' in p) caps.push(p.cap);
    else errors.push(file ? `${file}: ${p.error}` : p.error);
  }
  return { caps, errors };
}

export interface Verdict {
  allowed: boolean;
  /** The capability that decided, or why nothing did. */
  reason: string;
}

const deny = (reason: string): Verdict => ({ allowed: false, reason });
const allow = (cap: Capability): Verdict => ({ allowed: true, reason: `granted by "${cap.text}"` });

/** A path an agent names, made canonical, or why it is refused. Relative to the home, "/"-separated. */
export function normalizeHomePath(path: string): { path: string } | { error: string } {
  if (typeof path !== 'string' || !path) return { error: 'expected a path relative to the home' };
  if (/[\u0000-\u001f\u007f\\]/.test(path)) return { error: 'control characters and backslashes are not allowed in paths' };
  if (path.startsWith('/') || path.startsWith('~')) return { error: 'paths are relative to the home, not absolute' };
  const parts: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') return { error: '".." is not allowed in paths' };
    parts.push(seg);
  }
  return parts.length ? { path: parts.join('/') } : { path: '.' };
}

/** Folders no agent writes through the file tools, at any depth and in any letter case. */
function isProtected(path: string): string | undefined {
  const segs = path.toLowerCase().split('/');
  if (segs.includes('.git')) return '.git is never writable';
  if (segs[0] === '.aos') return '.aos/ is aos\'s own local state';
  // An agent that could write here could answer its own approvals.
  if (segs[0] === 'inbox' && segs[1] === 'approvals') return 'inbox/approvals/ is for the owner\'s answers; agents never write there';
  return undefined;
}

/** An absolute path an agent names (outside the home), made canonical, or why it is refused. */
export function normalizeAbsolutePath(path: string): { path: string } | { error: string } {
  if (/[\u0000-\u001f\u007f\\]/.test(path)) return { error: 'control characters and backslashes are not allowed in paths' };
  const parts: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') return { error: '".." is not allowed in paths' };
    parts.push(seg);
  }
  if (!parts.length) return { error: 'the root folder is never granted' };
  if (PSEUDO_ROOTS.includes(parts[0]!.toLowerCase())) return { error: `/${parts[0]} holds live process and device state and is never readable` };
  return { path: `/${parts.join('/')}` };
}

const GLOB_OPTIONS = { dot: false, nonegate: true, noextglob: true, nobrace: true, nobracket: true };

/**
 * A path outside the home, against the absolute grants only. The caller (tools/outside.ts) has made
 * sure it is not inside the home and judges it again as resolved on disk.
 */
export function checkAbsoluteFile(caps: readonly Capability[], path: string, action: 'read' | 'write'): Verdict {
  const norm = normalizeAbsolutePath(path);
  if ('error' in norm) return deny(norm.error);
  for (const cap of caps) {
    if (cap.kind !== 'file' || !cap.actions.includes(action)) continue;
    const globs = cap.resources.filter((g) => g.startsWith('/'));
    if (globs.some((glob) => picomatch.isMatch(norm.path, glob, GLOB_OPTIONS) || (glob.endsWith('/**') && norm.path === glob.slice(0, -3)))) return allow(cap);
  }
  return deny(`no capability grants file ${action} on ${norm.path}`);
}

export function checkFile(caps: readonly Capability[], path: string, action: 'read' | 'write'): Verdict {
  if (typeof path === 'string' && path.startsWith('/') && caps.some((c) => c.kind === 'file' && c.resources.some((r) => r.startsWith('/')))) return checkAbsoluteFile(caps, path, action);
  const norm = normalizeHomePath(path);
  if ('error' in norm) return deny(norm.error);
  // Agents' private memories are reached only through remember/recall, judged by checkPrivateMemory:
  // a file grant as wide as ** must not read another agent's private memory.
  const lower = norm.path.toLowerCase();
  if (lower === PRIVATE_MEMORY || lower.startsWith(`${PRIVATE_MEMORY}/`)) return deny(`${PRIVATE_MEMORY}/ holds agents' private memories: only the recall and remember tools reach them (memory:private)`);
  if (action === 'write') {
    const p = isProtected(norm.path);
    if (p) return deny(p);
  }
  for (const cap of caps) {
    if (cap.kind !== 'file' || !cap.actions.includes(action)) continue;
    if (cap.resources.some((glob) => !glob.startsWith('/') && (picomatch.isMatch(norm.path, glob, GLOB_OPTIONS) || (glob.endsWith('/**') && norm.path === glob.slice(0, -3))))) {
      return allow(cap);
    }
  }
  return deny(`no capability grants file ${action} on ${norm.path}`);
}

export function checkSimple(caps: readonly Capability[], kind: 'memory' | 'goal' | 'inbox' | 'skill', resource: string, action: string): Verdict {
  for (const cap of caps) {
    if (cap.kind === kind && cap.actions.includes(action) && cap.resources.some((r) => r === '*' || r === resource)) return allow(cap);
  }
  return deny(`no capability grants ${kind}:${resource}:${action}`);
}

/** Where an agent's private long-term memory lives (issue 22): memory/agents/<id>/. */
export const PRIVATE_MEMORY = 'memory/agents';

/**
 * May agent `self` read or write the private memory of agent `owner`? Only a capability on the
 * resource "private" itself grants it ("memory:*:read" is shared memory, never private), for the
 * agent's own memory unless {agent:…} names others.
 */
export function checkPrivateMemory(caps: readonly Capability[], self: string, owner: string, action: 'read' | 'write'): Verdict {
  for (const cap of caps) {
    if (cap.kind !== 'memory' || !cap.actions.includes(action) || !cap.resources.includes('private')) continue;
    if ((cap.constraints.agent ?? [self]).includes(owner)) return allow(cap);
  }
  return deny(`no capability grants memory:private:${action} of ${owner}${owner === self ? '' : ` (another agent's private memory; ${owner}'s own grant is not yours)`}`);
}

export interface DelegateLimits {
  to: string[];
  max: number;
  depth: number;
}

export const DEFAULT_DELEGATE_MAX = 3;
export const DEFAULT_DELEGATE_DEPTH = 2;
/** However deep each agent may delegate, no chain of work passes through more agents than this. */
export const MAX_CHAIN = 4;

export function delegateLimits(caps: readonly Capability[]): DelegateLimits | undefined {
  const cap = caps.find((c) => c.kind === 'agent' && c.actions.includes('delegate'));
  if (!cap) return undefined;
  return {
    to: cap.constraints.to ?? ['*'],
    max: Number(cap.constraints.max?.[0] ?? DEFAULT_DELEGATE_MAX),
    depth: Number(cap.constraints.depth?.[0] ?? DEFAULT_DELEGATE_DEPTH),
  };
}

/** Whether `from` may hand work to `to`, given the chain of agents the work has passed through. */
export function checkDelegate(caps: readonly Capability[], to: string, chain: readonly string[], childrenSoFar: number): Verdict {
  const limits = delegateLimits(caps);
  if (!limits) return deny('no capability grants agent:delegate');
  if (!limits.to.includes('*') && !limits.to.includes(to)) return deny(`delegation to ${to} is not granted (allowed: ${limits.to.join(', ')})`);
  if (chain.includes(to)) return deny(`delegation loop: ${[...chain, to].join(' → ')}`);
  if (chain.length > limits.depth) return deny(`delegation depth ${chain.length} is over the limit of ${limits.depth}`);
  if (chain.length >= MAX_CHAIN) return deny(`a chain of ${MAX_CHAIN} agents is the most any work passes through`);
  if (childrenSoFar >= limits.max) return deny(`at most ${limits.max} delegations per item`);
  return { allowed: true, reason: `granted by "${caps.find((c) => c.kind === 'agent' && c.actions.includes('delegate'))!.text}"` };
}

/** May this agent message `to` (an agent id, or "owner")? */
export function checkMessage(caps: readonly Capability[], to: string): Verdict {
  const inbox = checkSimple(caps, 'inbox', to, 'write');
  if (inbox.allowed) return inbox;
  for (const cap of caps) {
    if (cap.kind === 'agent' && cap.actions.includes('message') && (cap.constraints.to ?? ['*']).some((t) => t === '*' || t === to)) return allow(cap);
  }
  return deny(`no capability grants a message to ${to}`);
}

/** Recipients of one broadcast when agent:broadcast names no max. */
export const DEFAULT_BROADCAST_MAX = 5;

/** May this agent send one message to `recipients` agents at once (to: "*" or role:<word>)? The refusal names the cap. */
export function checkBroadcast(caps: readonly Capability[], recipients: number): Verdict & { max?: number } {
  const cap = caps.find((c) => c.kind === 'agent' && c.actions.includes('broadcast'));
  if (!cap) return deny('no capability grants agent:broadcast (a message to * or role:<word>)');
  const max = Number(cap.constraints.max?.[0] ?? DEFAULT_BROADCAST_MAX);
  if (recipients > max) return { allowed: false, reason: `a broadcast to ${recipients} agents is over the limit of ${max} ("${cap.text}"); nothing was sent`, max };
  return { allowed: true, reason: `granted by "${cap.text}"`, max };
}
