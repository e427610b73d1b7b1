// propose_skill: after a mission worked, an agent writes down how, as a candidate skill. A candidate
// reaches no agent's context; it earns a track record in later missions and the owner enables it
// (aos skill enable). The tool can only ever write a new candidate: status is not the agent's to set.
import * as v from 'valibot';
import { join } from 'node:path';
import { checkSimple } from '../core/agents/capabilities.js';
import { candidateDocument, skillId } from '../core/skills/skills.js';
import { localTime } from '../core/docs/time.js';
import { createExclusive, ensureFolder, isErrno } from '../home/files.js';
import { SKILLS_FOLDER, skillFile } from '../home/skills.js';
import { defineTool, text } from './define.js';
import { ToolError, touch } from './runctx.js';
import { rateOrRefuse } from './capuse.js';

export const proposeSkillTool = defineTool({
  name: 'propose_skill',
  description: 'Propose a reusable skill: a procedure that worked (for example in a mission just promoted). It starts as a candidate that no agent sees; the owner enables it after it proves itself in enough missions.',
  input: v.strictObject({
    name: v.pipe(text(80), v.description('a short name, e.g. "Fix a failing test first"')),
    description: v.pipe(text(200), v.description('one line: what it is for')),
    when: v.optional(v.pipe(v.array(text(40)), v.maxLength(10), v.description('words that make it relevant to a task (its name when omitted)')), []),
    procedure: v.pipe(text(8000), v.description('the steps, in markdown')),
    mission: v.optional(v.pipe(text(80), v.description('the mission it worked in'))),
  }),
  offered: (caps) => checkSimple(caps, 'skill', '*', 'propose').allowed,
  can: { argument: 'the skill\'s name', judge: (q) => ({ capability: checkSimple(q.caps, 'skill', '*', 'propose') }), call: (name) => ({ name, description: 'aos can', procedure: 'aos can' }) },
  async run(input, ctx) {
    const granted = checkSimple(ctx.agent.caps, 'skill', '*', 'propose');
    if (!granted.allowed) throw new ToolError(`refused: ${granted.reason}`);
    const spend = await rateOrRefuse(ctx, granted.reason);
    const id = skillId(input.name);
    const file = skillFile(id);
    await ensureFolder(join(ctx.home.root, SKILLS_FOLDER));
    const date = localTime(ctx.env.now(), ctx.home.config.owner.timezone).date;
    try {
      await createExclusive(join(ctx.home.root, file), candidateDocument({ ...input, agent: ctx.agent.id, date }));
    } catch (err) {
      if (isErrno(err, 'EEXIST')) throw new ToolError(`${file} already exists: a skill by that name was proposed before (nothing was changed)`);
      throw err;
    }
    await touch(ctx, file);
    await spend();
    return `Proposed ${file} as a candidate. No agent sees it until it has a track record and the owner enables it.`;
  },
});
