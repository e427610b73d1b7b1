// Commit messages that git log --grep and --author can answer questions with.

export interface Identity {
  name: string;
  email: string;
}

/** One commit to make: who, the message, the trailers, which paths. Plain data (the run journal stores it). */
export interface CommitSpec {
  who: Identity;
  subject: string;
  body?: string;
  trailers: Record<string, string | undefined>;
  /** Only these paths (relative to the home); all changes when absent. */
  paths?: string[];
}

export function ownerIdentity(owner: { name: string; email?: string }): Identity {
  return { name: owner.name, email: owner.email ?? 'owner@aos.invalid' };
}

export function agentIdentity(agentId: string): Identity {
  return { name: agentId, email: `${agentId}@aos.invalid` };
}

function oneLine(text: string): string {
  // git takes no NUL in a message (node refuses the argument): one would fail the commit for good.
  return text.replace(/[\r\n]+/g, ' ').replace(/\0/g, '').trim();
}

export function commitMessage(subject: string, trailers: Record<string, string | undefined>, body?: string): string {
  const lines = Object.entries(trailers)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}: ${oneLine(v!)}`);
  const short = oneLine(subject);
  return [short.length > 72 ? short.slice(0, 71) + '…' : short, body?.trim(), lines.join('\n')].filter(Boolean).join('\n\n') + '\n';
}

/** "Quoted" task text for a subject line. */
export function quoteSubject(text: string, max = 50): string {
  const t = oneLine(text);
  return `"${t.length > max ? t.slice(0, max - 1) + '…' : t}"`;
}
