// Gated skills: a procedure an agent proposed after a mission, which has to earn a track record and
// be switched on by the owner before any agent sees it. Pure: the caller reads skills/ and git.
//
// Two walls keep a skill out of an agent's context until the owner says so: the status must be
// `enabled`, and the last commit that touched the file must not be an agent's run (an agent that
// can write files could set `status: enabled` itself; provenance is decided by git, not by the file).
import type { SkillFront } from '../docs/schemas.js';
import { frontMatterText, renderDocument } from '../docs/frontmatter.js';

export interface Skill {
  id: string;
  file: string;
  front: SkillFront;
  body: string;
}

export interface RecordEntry {
  mission: string;
  outcome: SkillFront['record'][number]['outcome'];
  date: string;
}

export const DEFAULT_MIN_SUCCESSES = 3;

/** Promoted missions that used the skill: its track record's successes. */
export function successes(front: SkillFront): number {
  return front.record.filter((r) => r.outcome === 'promoted').length;
}

export function failures(front: SkillFront): number {
  return front.record.filter((r) => r.outcome !== 'promoted').length;
}

export type EnableVerdict = { ok: true } | { ok: false; why: string };

/**
 * Whether the owner may enable a skill: enough promoted missions in its record. Asked also of a skill
 * already marked enabled whose last change was an agent's (an agent cannot skip the record).
 */
export function canEnable(skill: Skill, minSuccesses: number): EnableVerdict {
  const n = successes(skill.front);
  if (n < minSuccesses) {
    return {
      ok: false,
      why: `${skill.file} has ${n} promoted mission${n === 1 ? '' : 's'} in its record; enabling needs ${minSuccesses} (skills.min_successes in aos.yaml)`,
    };
  }
  return { ok: true };
}

/**
 * The record with one more mission's outcome. A mission is counted once: a second outcome for the
 * same mission replaces the first (a resumed mission reports again).
 */
export function withOutcome(front: SkillFront, entry: RecordEntry): SkillFront {
  return { ...front, record: [...front.record.filter((r) => r.mission !== entry.mission), entry] };
}

const WORD = /[\p{L}\p{N}][\p{L}\p{N}_-]*/gu;
const SHORT = 3;

function words(text: string): Set<string> {
  return new Set((text.toLowerCase().match(WORD) ?? []).filter((w) => w.length > SHORT));
}

/** The words that make a skill relevant: its `when:` list, or its name's longer words. */
export function triggerWords(front: SkillFront): string[] {
  const from = front.when.length ? front.when.join(' ') : front.name;
  return [...words(from)];
}

export interface OfferInput {
  skills: readonly Skill[];
  /** Skills whose last change was an agent's run commit (by id): never offered. */
  agentChanged: ReadonlySet<string>;
  /** The task's text (subject and body). */
  task: string;
  /** Skills a mission named for this run (offered when enabled, whatever the words say). */
  named?: readonly string[];
  max?: number;
}

/**
 * The skills an agent sees for a task: enabled, last changed by the owner or aos, and relevant
 * (named by the mission, or sharing a trigger word with the task). Best match first, then by id.
 */
export function offeredSkills(input: OfferInput): Skill[] {
  const task = words(input.task);
  const named = new Set(input.named ?? []);
  return input.skills
    .filter((s) => s.front.status === 'enabled' && !input.agentChanged.has(s.id))
    .map((s) => ({ s, score: named.has(s.id) ? Number.MAX_SAFE_INTEGER : triggerWords(s.front).filter((w) => task.has(w)).length }))
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || a.s.id.localeCompare(b.s.id))
    .slice(0, input.max ?? 3)
    .map((x) => x.s);
}

/** A skill id from a name: lowercase words joined by dashes, at most 60 characters. */
export function skillId(name: string): string {
  return (
    name
      .toLowerCase()
      .normalize('NFKD')
      // NFKD splits é into e and a combining accent: drop the accents, keep the letters.
      .replace(/\p{M}+/gu, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60)
      .replace(/-+$/, '') || 'skill'
  );
}

/** A new candidate skill's file text: front matter in a fixed order, then the procedure. */
export function candidateDocument(p: { name: string; description: string; when: readonly string[]; agent: string; mission?: string; date: string; procedure: string }): string {
  return renderDocument(
    frontMatterText({
      name: p.name,
      description: p.description,
      status: 'candidate',
      when: p.when.length ? [...p.when] : undefined,
      proposed_by: p.agent,
      from_mission: p.mission,
      created: p.date,
      record: [],
    }),
    `${p.procedure.trim()}\n`,
  );
}
