// Who an inbox item really comes from. Front matter is whatever its writer typed, so an agent with
// a file grant on inbox/ could write `from: owner`; the commit that added the file cannot be forged
// from inside a run: every run's commit carries its agent in an Aos-Agent trailer, while the
// owner's own commits (aos inbox add, hand edits) carry none. Pure.

export interface AddedBy {
  /** The Aos-Agent trailer of the commit that added the file, if it had one. */
  agent?: string;
}

/**
 * The item's source: the agent whose run committed it, whatever its front matter claims; else what
 * the front matter says (the owner's commits, aos's own schedule and goal items). `forged` is set
 * when the front matter claimed someone else.
 */
export function itemSource(claimed: string | undefined, added: AddedBy | undefined): { from: string; forged?: string } {
  const said = claimed ?? 'owner';
  if (!added?.agent || added.agent === said) return { from: said };
  return { from: added.agent, forged: said };
}
