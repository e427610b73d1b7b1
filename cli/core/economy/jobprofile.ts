// The restricted profile a sold job runs under, whatever agent serves it. Three walls, each enough
// on its own: the job's capabilities (built here, the agent's own are not used), the tools a job may
// call at all, and every action a tool takes (the gate). A job writes only in its scratch folder,
// never runs a shell, fetches only what its skill grants, and reads memory or goals only when the
// skill declares it needs them. Pure.
import type { SoldSkill } from './sellconfig.js';

export type JobSkill = Pick<SoldSkill, 'id' | 'http' | 'needs'>;

/** The per-job scratch folder, relative to the home. */
export function scratchFolder(itemId: string): string {
  return `jobs/${itemId}`;
}

/** The job's capabilities, written as an agent file would. */
export function jobCapabilities(skill: JobSkill | undefined, itemId: string): string[] {
  const caps = [`file:${scratchFolder(itemId)}/**:read,write`];
  for (const host of skill?.http ?? []) caps.push(`http:${host}:get,head`);
  if (skill?.needs.includes('memory')) caps.push('memory:*:read');
  if (skill?.needs.includes('goals')) caps.push('goal:*:read', 'file:goals/**:read');
  return caps;
}

const ALWAYS = ['finish', 'read_file', 'write_file', 'list_files'];

/** Why a job may not call this tool at all, if it may not. */
export function jobToolRefusal(tool: string, skill: JobSkill | undefined): string | undefined {
  if (ALWAYS.includes(tool)) return undefined;
  if (tool === 'fetch_url' && skill?.http.length) return undefined;
  if ((tool === 'search_memory' || tool === 'read_memory') && skill?.needs.includes('memory')) return undefined;
  return `refused: a sold job (${skill?.id ?? 'unknown skill'}) may not use ${tool}: jobs run under the job profile (no shell, no messages or delegation, no memory or goals unless the skill declares it needs them)`;
}

export interface JobAction {
  kind: 'shell' | 'http' | 'file';
  resource: string;
  verb: string;
}

/** Why the job profile refuses an action a tool is about to take, if it does. */
export function jobActionRefusal(action: JobAction, skill: JobSkill | undefined, itemId: string): string | undefined {
  const scratch = `${scratchFolder(itemId)}/`;
  if (action.kind === 'shell') return 'refused: a sold job never runs a shell command';
  if (action.kind === 'http') {
    let host: string;
    try {
      host = new URL(action.resource).host.toLowerCase();
    } catch {
      return `refused: ${action.resource} is not a URL`;
    }
    if (!['get', 'head'].includes(action.verb) || !(skill?.http ?? []).map((h) => h.toLowerCase()).includes(host)) return `refused: a job of ${skill?.id ?? 'this skill'} may not ${action.verb} ${host}`;
    return undefined;
  }
  const path = action.resource;
  if (path.startsWith(scratch)) return undefined;
  if (action.verb === 'read' && skill?.needs.includes('memory') && path.startsWith('memory/')) return undefined;
  if (action.verb === 'read' && skill?.needs.includes('goals') && path.startsWith('goals/')) return undefined;
  return `refused: a sold job ${action.verb === 'write' ? 'writes' : 'reads'} only in its scratch folder ${scratch} (not ${path})`;
}
