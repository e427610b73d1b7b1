// The JSON Schema each tool shows the model is derived from its valibot input schema. It must stay
// what the hand-written schemas said (same properties, types, descriptions, enums, bounds), and it
// must describe exactly what the tool accepts: the same property names, the same required ones.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as v from 'valibot';
import { TOOLS } from '../../cli/tools/registry.js';
import { inputSchema } from '../../cli/tools/define.js';

// The schemas as they were written by hand before they were derived, byte for byte.
const BEFORE: Record<string, unknown> = {
  read_file: {"type":"object","properties":{"path":{"type":"string"}},"required":["path"]},
  list_files: {"type":"object","properties":{"path":{"type":"string","description":"a folder; the home itself when omitted"}}},
  write_file: {"type":"object","properties":{"path":{"type":"string"},"content":{"type":"string"}},"required":["path","content"]},
  run_shell: {"type":"object","properties":{"command":{"type":"string","description":"e.g. git log -n 5 --oneline"}},"required":["command"]},
  fetch_url: {"type":"object","properties":{"url":{"type":"string","description":"an absolute https:// URL"},"method":{"type":"string","description":"GET (default), HEAD, POST, PUT, PATCH or DELETE"},"body":{"type":"string","description":"request body, for POST, PUT and PATCH"},"headers":{"type":"object","additionalProperties":{"type":"string"},"description":"extra request headers (Accept, Content-Type, User-Agent, X-… and similar; no Authorization, Cookie or Host)"}},"required":["url"]},
  search_memory: {"type":"object","properties":{"query":{"type":"string"},"type":{"type":"string","enum":["memory","log","done","goal"]},"limit":{"type":"integer","minimum":1,"maximum":10}},"required":["query"]},
  note: {"type":"object","properties":{"text":{"type":"string"}},"required":["text"]},
  delegate: {"type":"object","properties":{"to":{"type":"string","description":"agent id"},"task":{"type":"string"}},"required":["to","task"]},
  // Issue 20 gave send_message its kinds (request, response, event, stream): to is optional (an event
  // goes to its subscribers, a response to its request's sender); pinned as it is now.
  send_message: {"type":"object","properties":{"to":{"type":"string"},"text":{"type":"string"},"kind":{"type":"string","enum":["request","response","event","stream"]},"topic":{"type":"string"},"in_reply_to":{"type":"string"},"stream":{"type":"string"},"final":{"type":"boolean"}},"required":["text"]},
  log_progress: {"type":"object","properties":{"goal":{"type":"string","description":"the goal file name without .md, e.g. ielts-writing"},"skill":{"type":"string","description":"the skill id, or \"metric\""},"value":{"type":"number"},"note":{"type":"string","description":"one line: the main weakness, or what went well"}},"required":["goal","skill","value"]},
  finish: {"type":"object","properties":{"result":{"type":"string","description":"the answer, in markdown"}},"required":["result"]},
  // Tools added after the schemas were derived (issue 15): what they show, pinned the same way.
  read_memory: {"type":"object","properties":{"slug":{"type":"string","description":"the topic, e.g. prefers-trains; omit it for the index"}}},
  edit_goal: {"type":"object","properties":{"goal":{"type":"string","description":"the goal file name without .md, e.g. ielts-writing"},"section":{"type":"string","enum":["plan","research_notes"],"description":"plan or research_notes"},"text":{"type":"string","description":"markdown; ### sub-headings at most"},"mode":{"type":"string","enum":["append","replace"],"default":"append"}},"required":["goal","section","text"]},
  // Issue 20: the browser tool.
  browse_page: {"type":"object","properties":{"url":{"type":"string","description":"an absolute https:// URL"},"render":{"type":"boolean","description":"run the page's JavaScript first (needs a browser capability)"}},"required":["url"]},
  // Issue 16: agent:spawn's tool.
  spawn_agent: {"type":"object","properties":{"task":{"type":"string"},"capabilities":{"type":"array","items":{"type":"string"},"description":"a subset of your capabilities, written the same way, e.g. \"file:notes/**:read\""},"instructions":{"type":"string","description":"the helper's instructions; a plain default when omitted"}},"required":["task","capabilities"]},
  // Issue 21: buying one job from a remote A2A agent.
  delegate_remote: {"type":"object","properties":{"to":{"type":"string","description":"the remote agent, a2a:https://…"},"skill":{"type":"string","description":"a skill id from the remote agent's card"},"task":{"type":"string"}},"required":["to","skill","task"]},
  // Issue 18: proposing a candidate skill.
  propose_skill: {"type":"object","properties":{"name":{"type":"string","description":"a short name, e.g. \"Fix a failing test first\""},"description":{"type":"string","description":"one line: what it is for"},"when":{"type":"array","items":{"type":"string"},"description":"words that make it relevant to a task (its name when omitted)","default":[]},"procedure":{"type":"string","description":"the steps, in markdown"},"mission":{"type":"string","description":"the mission it worked in"}},"required":["name","description","procedure"]},
  // Issue 22: an agent's private memory.
  recall: {"type":"object","properties":{"slug":{"type":"string"},"agent":{"type":"string"}}},
  remember: {"type":"object","properties":{"title":{"type":"string"},"description":{"type":"string","description":"one line: what it is"},"body":{"type":"string"},"type":{"type":"string","enum":["fact","decision","lesson","preference","person","project"]},"slug":{"type":"string"}},"required":["title","description","body"]},
};

test('every tool shows the model the schema it showed before deriving, byte for byte', () => {
  assert.equal(TOOLS.map((t) => t.def.name).sort(), Object.keys(BEFORE).sort());
  for (const t of TOOLS) assert.is(JSON.stringify(t.def.input_schema), JSON.stringify(BEFORE[t.def.name]), t.def.name);
});

test("the schema's properties and required are what the tool's valibot schema accepts", () => {
  for (const t of TOOLS) {
    const entries = (t.input as unknown as v.StrictObjectSchema<v.ObjectEntries, undefined>).entries;
    assert.ok(entries, `${t.def.name} takes an object`);
    const shown = t.def.input_schema as { properties: Record<string, unknown>; required?: string[] };
    assert.equal(Object.keys(shown.properties).sort(), Object.keys(entries).sort(), `${t.def.name}: properties`);
    const required = Object.keys(entries).filter((k) => entries[k]!.type !== 'optional');
    assert.equal([...(shown.required ?? [])].sort(), required.sort(), `${t.def.name}: required`);
    // Anything the schema calls required is refused when missing; an unknown property is refused too.
    for (const k of required) {
      const probe = Object.fromEntries(required.filter((r) => r !== k).map((r) => [r, 'x']));
      assert.not.ok(v.safeParse(t.input, probe).success, `${t.def.name} without ${k}`);
    }
    assert.not.ok(v.safeParse(t.input, { unknown_property: 1 }).success, `${t.def.name} with an unknown property`);
  }
});

test('inputSchema: nested objects and arrays lose only what the model was never shown', () => {
  const schema = inputSchema(
    v.strictObject({
      tags: v.array(v.pipe(v.string(), v.trim(), v.minLength(1))),
      at: v.optional(v.strictObject({ x: v.pipe(v.number(), v.finite()), label: v.pipe(v.string(), v.regex(/^a/), v.description('a label')) })),
      extra: v.record(v.string(), v.number()),
    }),
  );
  assert.equal(schema, {
    type: 'object',
    properties: {
      tags: { type: 'array', items: { type: 'string' } },
      at: { type: 'object', properties: { x: { type: 'number' }, label: { type: 'string', description: 'a label' } }, required: ['x', 'label'] },
      extra: { type: 'object', additionalProperties: { type: 'number' } },
    },
    required: ['tags', 'extra'],
  });
});

test('inputSchema refuses a schema with no JSON Schema form rather than showing a wrong one', () => {
  assert.throws(() => inputSchema(v.strictObject({ when: v.date() })), /date/);
});

test.run();
