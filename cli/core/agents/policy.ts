// The owner's policy (aos.yaml `policy:`): which granted actions are safe, which need the owner's yes
// (ask), and which are never done, whatever a capability says. Pure: rules and an action in, a class
// and the rule that decided out. Capabilities decide what an agent *may* do; the policy decides what
// it may do *without asking*.
import picomatch from 'picomatch';

export type ActionClass = 'safe' | 'ask' | 'never';
export type PolicyKind = 'shell' | 'http' | 'file';

export interface PolicyRule {
  /** As written in aos.yaml. */
  text: string;
  class: ActionClass;
  kind: PolicyKind;
  /** shell: words of a command, `*` standing for any words; http: a host glob; file: a path glob. */
  pattern: string;
  /** http methods or file actions this rule covers; empty for all. */
  verbs: string[];
}

export interface PolicyAction {
  kind: PolicyKind;
  /** shell: the command; http: the URL; file: the path relative to the home. */
  resource: string;
  /** shell: execute; http: a method in lower case; file: read or write. */
  verb: string;
  /** shell: the command's words as the parser split them, when known. */
  argv?: readonly string[];
}

export type Autonomy = 'off' | 'low' | 'high';

export interface Policy {
  rules: PolicyRule[];
  autonomy: Autonomy;
  /** Approvals in a row (none denied since) after which an action pattern is trusted. */
  trustAfter: number;
}

export interface PolicyInput {
  safe?: readonly string[];
  ask?: readonly string[];
  never?: readonly string[];
  autonomy?: Autonomy;
  trust_after?: number;
}

export const DEFAULT_TRUST_AFTER = 3;
const VERBS: Record<PolicyKind, readonly string[]> = {
  shell: ['execute'],
  http: ['get', 'head', 'post', 'put', 'patch', 'delete'],
  file: ['read', 'write'],
};

/** Parses every rule; a bad rule is an error for the whole config (a policy that half-applies is worse than none). */
export function parsePolicy(input: PolicyInput | undefined): { policy: Policy; errors: string[] } {
  const rules: PolicyRule[] = [];
  const errors: string[] = [];
  for (const cls of ['never', 'safe', 'ask'] as const) {
    for (const text of input?.[cls] ?? []) {
      const r = parseRule(text, cls);
      if ('error' in r) errors.push(`policy.${cls}: "${text}": ${r.error}`);
      else rules.push(r);
    }
  }
  return { policy: { rules, autonomy: input?.autonomy ?? 'off', trustAfter: input?.trust_after ?? DEFAULT_TRUST_AFTER }, errors };
}

function parseRule(text: string, cls: ActionClass): PolicyRule | { error: string } {
  if (/[\u0000-\u001f\u007f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/.test(text)) return { error: 'control or invisible characters' };
  const m = /^(shell|http|file):(.+)$/.exec(text.trim());
  if (!m) return { error: 'expected shell:<command pattern>, http:<host>[:methods] or file:<glob>[:actions]' };
  const kind = m[1] as PolicyKind;
  if (kind === 'shell') {
    const pattern = m[2]!.trim().replace(/\s+/g, ' ');
    if (!pattern) return { error: 'an empty command pattern' };
    return { text, class: cls, kind, pattern, verbs: [] };
  }
  const cut = m[2]!.lastIndexOf(':');
  const tail = cut >= 0 ? m[2]!.slice(cut + 1) : '';
  const hasVerbs = cut >= 0 && tail.split(',').every((v) => VERBS[kind].includes(v));
  const pattern = hasVerbs ? m[2]!.slice(0, cut) : m[2]!;
  const verbs = hasVerbs ? tail.split(',') : [];
  if (!pattern || /\s/.test(pattern)) return { error: `a ${kind === 'http' ? 'host' : 'path'} pattern without spaces` };
  if (cut >= 0 && !hasVerbs && kind === 'file') return { error: `"${tail}" is not one of ${VERBS.file.join(', ')}` };
  if (kind === 'http' && pattern.includes('/')) return { error: 'http rules name a host (api.example.com, *.example.com or *), not a URL' };
  return { text, class: cls, kind, pattern: kind === 'http' ? pattern.toLowerCase() : pattern, verbs };
}

/** Words of a command pattern against the command's words: `*` is any number of words; inside a word, `*` is any characters. */
export function matchWords(pattern: readonly string[], words: readonly string[]): boolean {
  if (!pattern.length) return !words.length;
  const [head, ...rest] = pattern;
  if (head === '*') {
    for (let i = 0; i <= words.length; i++) if (matchWords(rest, words.slice(i))) return true;
    return false;
  }
  if (!words.length) return false;
  return wordMatches(head!, words[0]!) && matchWords(rest, words.slice(1));
}

function wordMatches(pattern: string, word: string): boolean {
  if (!pattern.includes('*')) return pattern === word;
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
  return re.test(word);
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase().replace(/\.$/, '');
  } catch {
    return undefined;
  }
}

function hostMatches(pattern: string, host: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1));
  return host === pattern;
}

export function ruleMatches(rule: PolicyRule, action: PolicyAction): boolean {
  if (rule.kind !== action.kind) return false;
  if (rule.verbs.length && !rule.verbs.includes(action.verb)) return false;
  switch (rule.kind) {
    case 'shell': {
      const words = action.argv ?? action.resource.trim().split(/\s+/);
      return matchWords(rule.pattern.split(' '), words);
    }
    case 'http': {
      const host = hostOf(action.resource);
      // An action whose host cannot be read is matched by every http rule: the stricter class wins.
      return host === undefined || hostMatches(rule.pattern, host);
    }
    case 'file':
      return picomatch.isMatch(action.resource, rule.pattern, { dot: true, nonegate: true, noextglob: true, nobrace: true, nobracket: true });
  }
}

export interface Classified {
  class: ActionClass;
  /** The rule that decided, or undefined for the default (safe). */
  rule?: PolicyRule;
}

/** never beats everything; a safe rule carves an exception out of an ask rule; otherwise granted actions are safe. */
export function classify(policy: Policy, action: PolicyAction): Classified {
  for (const cls of ['never', 'safe', 'ask'] as const) {
    const rule = policy.rules.find((r) => r.class === cls && ruleMatches(r, action));
    if (rule) return { class: cls, rule };
  }
  return { class: 'safe' };
}

/**
 * What a run of approvals teaches: the pattern an approval counts towards. Narrow on purpose — the
 * same command word for word, the same folder, the same URL path — so trust never spreads from
 * `git push origin main` to `git push --force`.
 */
export function trustPattern(action: PolicyAction): string {
  switch (action.kind) {
    case 'shell':
      return `shell:${(action.argv ?? action.resource.trim().split(/\s+/)).join(' ')}`;
    case 'http': {
      try {
        const u = new URL(action.resource);
        return `http:${action.verb}:${u.origin}${u.pathname}`;
      } catch {
        return `http:${action.verb}:${action.resource}`;
      }
    }
    case 'file': {
      const dir = action.resource.includes('/') ? action.resource.slice(0, action.resource.lastIndexOf('/')) : '.';
      return `file:${action.verb}:${dir}/*`;
    }
  }
}

/** Whether the owner's autonomy level lets this kind of action be learned at all. */
export function learnable(autonomy: Autonomy, action: PolicyAction): boolean {
  if (autonomy === 'high') return true;
  if (autonomy === 'low') return action.kind === 'file' || (action.kind === 'http' && (action.verb === 'get' || action.verb === 'head'));
  return false;
}

export interface PastAnswer {
  pattern: string;
  answer: 'approved' | 'denied';
  /** ISO time, for order. */
  at: string;
}

/** Approvals of this pattern since its last denial; trusted once they reach the policy's threshold. */
export function trustOf(policy: Policy, action: PolicyAction, history: readonly PastAnswer[]): { trusted: boolean; approvals: number } {
  const pattern = trustPattern(action);
  const mine = history.filter((h) => h.pattern === pattern).sort((a, b) => a.at.localeCompare(b.at));
  let approvals = 0;
  for (const h of mine) approvals = h.answer === 'approved' ? approvals + 1 : 0;
  return { trusted: learnable(policy.autonomy, action) && approvals >= policy.trustAfter, approvals };
}

export interface Decision {
  class: ActionClass;
  reason: string;
  /** Safe only because earlier approvals taught it (an ask rule covers it): worth a log line. */
  trusted?: true;
}

/** The policy's final word on a granted action, with trust learned from earlier answers. */
export function decide(policy: Policy, action: PolicyAction, history: readonly PastAnswer[]): Decision {
  const c = classify(policy, action);
  if (c.class === 'never') return { class: 'never', reason: `policy never: "${c.rule!.text}"` };
  if (c.class === 'safe') return { class: 'safe', reason: c.rule ? `policy safe: "${c.rule.text}"` : 'no policy rule asks for it' };
  const t = trustOf(policy, action, history);
  if (t.trusted) return { class: 'safe', trusted: true, reason: `trusted after ${t.approvals} approvals in a row of ${trustPattern(action)} (policy ask: "${c.rule!.text}", autonomy ${policy.autonomy})` };
  return { class: 'ask', reason: `policy ask: "${c.rule!.text}"` };
}
