// The capture → analyse → post chain and its poster agent, shared by the chains tests (issue 20).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { aosAsync, git, write } from './helpers.js';
import { envFor } from './model-helpers.js';
import type { FakeServer } from './fake-anthropic.js';

export const CHAIN = `description: Capture a page, analyse it, post the summary
steps:
  - name: capture
    agent: researcher
    task: "Capture the key facts of {{input}}"
  - name: analyse
    agent: chief
    task: |
      Analyse these facts and say whether they are worth posting:
      {{previous}}
    continue_if: {contains: "worth posting"}
  - name: post
    agent: poster
    task: |
      Post this summary:
      {{previous}}
    approve: true
`;

export const POSTER = `---\nname: Poster\nrole: Posts summaries.\n---\nYou post.\n`;

export function setUp(home: string): void {
  write(home, 'chains/capture-post.yaml', CHAIN);
  write(home, 'agents/poster.md', POSTER);
  git(home, ['add', '-A']);
  git(home, ['commit', '-qm', 'chain and poster']);
}

export const aosIn = (home: string, args: string[], server?: FakeServer) => aosAsync([...args, '--home', home], { env: envFor(server) });

/** The approvals waiting in inbox/approvals/, by id. */
export function approvals(home: string): string[] {
  const dir = join(home, 'inbox/approvals');
  return existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.md')).map((n) => n.slice(0, -3)) : [];
}
