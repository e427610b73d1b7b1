// Parse and validate one document of a known kind: the heavy part (yaml, valibot), loaded only when
// the document cache misses.
import type * as v from 'valibot';
import type { Problem } from '../../errors.js';
import { parseFrontMatter, normalizeText, findConflictMarker } from './frontmatter.js';
import { validate } from './validate.js';
import { unreadableText } from './encoding.js';
import { parseYaml, lineOf } from './yaml.js';
import { timeZoneProblem } from './time.js';
import * as s from './schemas.js';

export const SCHEMAS = {
  config: s.ConfigSchema,
  agent: s.AgentSchema,
  inbox: s.InboxItemSchema,
  approval: s.ApprovalSchema,
  goal: s.GoalSchema,
  memory: s.MemorySchema,
  skill: s.SkillSchema,
} satisfies Record<string, v.GenericSchema>;
export type DocKind = keyof typeof SCHEMAS;

export interface DocParts {
  front: unknown;
  body: string;
  bodyLine: number;
}

/** A markdown document: front matter (optional for inbox items) validated against its kind. */
export function parseDoc(kind: DocKind, file: string, raw: string): { doc?: DocParts; problems: Problem[] } {
  if (kind === 'config') return parseConfigText(file, raw);
  const parsed = parseFrontMatter(file, raw);
  if (parsed.problems.length) return { problems: parsed.problems };
  if (!parsed.data && kind !== 'inbox') {
    return { problems: [{ file, line: 1, expected: 'front matter between two "---" lines at the top', found: 'none' }] };
  }
  const { value, problems } = validate(SCHEMAS[kind], parsed.data ?? {}, file, parsed.yaml);
  if (problems.length) return { problems };
  return { doc: { front: value, body: parsed.body, bodyLine: parsed.bodyLine }, problems: [] };
}

/** aos.yaml: plain YAML, no front matter. */
function parseConfigText(file: string, raw: string): { doc?: DocParts; problems: Problem[] } {
  const unreadable = unreadableText(file, raw);
  if (unreadable) return { problems: [unreadable] };
  const { text } = normalizeText(raw);
  const conflict = findConflictMarker(file, text);
  if (conflict) return { problems: [conflict] };
  const { yaml, problems } = parseYaml(file, text);
  if (!yaml) return { problems };
  const result = validate(s.ConfigSchema, yaml.data ?? {}, file, yaml);
  if (!result.value) return { problems: result.problems };
  // A zone the runtime does not know passes the schema but breaks every date aos writes.
  const zone = timeZoneProblem(result.value.owner.timezone);
  if (zone) return { problems: [{ ...zone, file, line: lineOf(yaml, ['owner', 'timezone']) }] };
  return { doc: { front: result.value, body: '', bodyLine: 1 }, problems: [] };
}
