// The note tool: an agent's observation goes to today's log, where the dream finds it.
import * as v from 'valibot';
import { appendLog } from '../home/log.js';
import { defineTool, text } from './define.js';
import { touch } from './runctx.js';
import { ALWAYS } from './canspec.js';

export const noteTool = defineTool({
  name: 'note',
  description: "Note an observation in today's log (a lasting fact about the owner, a decision, a lesson). The nightly dream turns notes into memories.",
  input: v.strictObject({ text: text(4000) }),
  // Every agent may write its own observations to the log: it is how memory is made.
  offered: () => true,
  can: { argument: 'the text', judge: () => ALWAYS("every agent may note in today's log"), call: (text) => ({ text }) },
  async run({ text }, ctx) {
    const file = await appendLog(ctx.home, ctx.home.config.owner.timezone, ctx.env.now(), { kind: 'note', agent: ctx.agent.id, ref: ctx.run, body: text });
    await touch(ctx, file);
    return `Noted in ${file}.`;
  },
});
