// skills/: one procedure per file. A bad file is a problem named by its path; the others still load.
import { join } from 'node:path';
import type { SkillFront } from '../core/docs/schemas.js';
import type { Skill } from '../core/skills/skills.js';
import { SLUG } from '../core/docs/ids.js';
import type { Problem } from '../errors.js';
import { loadFolder } from './documents.js';
import type { DocCache } from './doccache.js';
import { exists } from './files.js';

export const SKILLS_FOLDER = 'skills';

export async function loadSkills(root: string, cache: DocCache): Promise<{ skills: Skill[]; problems: Problem[] }> {
  if (!(await exists(join(root, SKILLS_FOLDER)))) return { skills: [], problems: [] };
  const r = await loadFolder<SkillFront>(root, SKILLS_FOLDER, 'skill', cache);
  const misnamed: Problem[] = r.docs
    .filter((d) => !SLUG.test(d.name))
    .map((d) => ({ file: d.file, expected: 'a file name that is a skill id (lowercase letters, digits, dashes)', found: `"${d.name}"` }));
  const skills = r.docs.filter((d) => SLUG.test(d.name)).map((d) => ({ id: d.name, file: d.file, front: d.front, body: d.body }));
  return { skills, problems: [...r.problems, ...misnamed] };
}

export function skillFile(id: string): string {
  return `${SKILLS_FOLDER}/${id}.md`;
}
