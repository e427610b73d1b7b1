// aos usage: the totals are the sum of the Aos-Usage trailers git holds (runs from their records,
// the brief's model call from its commit), by any grouping; a broken record is named, not summed
// silently; bad options are clear errors. Real ticks and a real brief against the fake API.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { aosAsync, git, json, read, write } from '../helpers.js';
import { addItem, envFor, tick, withModel } from '../model-helpers.js';

const usage = (input: number, output: number, read = 0, written = 0) => ({ input_tokens: input, output_tokens: output, cache_read_input_tokens: read, cache_creation_input_tokens: written });

/** The sums of every Aos-Usage trailer in the history, read with git alone. */
function trailerSums(home: string) {
  const lines = git(home, ['log', '--format=%(trailers:key=Aos-Usage,valueonly)']).split('\n').filter((l) => l.trim());
  const sum = { commits: lines.length, tokens: 0, input: 0, output: 0, usd: 0 };
  for (const l of lines) {
    const f = Object.fromEntries(l.trim().split(/\s+/).map((p) => p.split('=')).map(([k, v]) => [k, Number(v)]));
    sum.input += f.in;
    sum.output += f.out;
    sum.tokens += f.in + f.out + f.cache_read + f.cache_write;
    sum.usd += f.usd ?? 0;
  }
  return sum;
}

test('aos usage totals equal the sum of the Aos-Usage trailers in git log, by agent, day and model', async () => {
  await withModel(
    {
      replies: [
        { text: 'First answer.', usage: usage(1200, 80, 300, 50) },
        { tools: [{ name: 'search_memory', input: { query: 'aos' } }], usage: usage(900, 40) },
        { text: 'Found it.', usage: usage(1500, 120, 10, 0) },
        { text: 'Good morning: nothing is due.', usage: usage(700, 60) },
      ],
    },
    async ({ server, home }) => {
      addItem(home, 'First question', 'chief');
      addItem(home, 'find what aos is', 'researcher');
      for (let i = 0; i < 2; i++) assert.is((await tick(home, server)).code, 0);
      const brief = await aosAsync(['brief', '--home', home], { env: envFor(server) });
      assert.is(brief.code, 0, brief.stderr);

      const sums = trailerSums(home);
      assert.is(sums.commits, 3, 'two runs and the brief carry usage');
      const env = envFor(undefined);
      const byAgent = json(await aosAsync(['usage', '--home', home, '--json'], { env }));
      assert.is(byAgent.total.tokens, sums.tokens);
      assert.is(byAgent.total.input, sums.input);
      assert.is(byAgent.total.output, sums.output);
      // Trailers print USD to 4 places; records keep it whole: equal within that rounding.
      assert.ok(Math.abs(byAgent.total.usd - sums.usd) <= 0.00005 * sums.commits, `usd ${byAgent.total.usd} vs trailers ${sums.usd}`);
      assert.ok(byAgent.total.usd > 0);
      assert.is(byAgent.total.runs, 2);
      assert.is(byAgent.total.calls, 1, 'the brief is a model call outside runs');
      assert.is(byAgent.total.tool_calls, 1);
      assert.is(byAgent.total.failures, 0);
      assert.equal(byAgent.rows.map((r: { key: string }) => r.key), ['chief', 'researcher']);
      const researcher = byAgent.rows.find((r: { key: string }) => r.key === 'researcher');
      assert.is(researcher.tokens, 900 + 40 + 1500 + 120 + 10);
      for (const by of ['day', 'model']) {
        const r = json(await aosAsync(['usage', '--home', home, '--json', '--by', by], { env }));
        assert.equal(r.total, byAgent.total, `--by ${by} has the same total`);
        assert.is(r.rows.reduce((n: number, row: { tokens: number }) => n + row.tokens, 0), sums.tokens);
      }
      const text = await aosAsync(['usage', '--home', home], { env });
      assert.is(text.code, 0);
      assert.match(text.stdout, new RegExp(`^total\\s+2\\s+0\\s+1\\s+${sums.tokens}\\b`, 'm'));

      // aos status shows today's spend per agent (the runs ran today), against the budget when one is set.
      write(home, 'agents/chief.md', read(home, 'agents/chief.md').replace('budget:\n  max_turns: 6', 'budget:\n  max_turns: 6\n  tokens_per_day: 10000'));
      const status = json(await aosAsync(['status', '--home', home, '--json'], { env }));
      const chief = byAgent.rows.find((r: { key: string }) => r.key === 'chief');
      assert.equal(status.spend_today.find((s: { agent: string }) => s.agent === 'chief'), { agent: 'chief', tokens: chief.tokens - 760, usd: status.spend_today.find((s: { agent: string }) => s.agent === 'chief').usd, tokens_per_day: 10000, usd_per_day: null });
      assert.match((await aosAsync(['status', '--home', home], { env })).stdout, new RegExp(`chief\\s+${chief.tokens - 760} tokens of 10000 tokens \\(\\d+%\\)`));

      // A run record broken by hand is named and left out; the rest still sums.
      const records = git(home, ['ls-files', 'logs/runs']).split('\n').filter(Boolean);
      write(home, records[0]!, '---\nrun: [broken\n');
      const broken = await aosAsync(['usage', '--home', home, '--json'], { env });
      assert.is(broken.code, 0, broken.stderr);
      const after = json(broken);
      assert.is(after.problems.length, 1);
      assert.match(after.problems[0], new RegExp(records[0]!.replace(/[.]/g, '\\.')));
      assert.is(after.total.runs, 1);
      const warned = await aosAsync(['usage', '--home', home], { env });
      assert.match(warned.stderr, /skipped .*logs\/runs\//);
    },
  );
});

test('aos usage: a bad --by or --since is a clear error', async () => {
  await withModel({}, async ({ home }) => {
    const env = envFor(undefined);
    const by = await aosAsync(['usage', '--home', home, '--by', 'colour'], { env });
    assert.is.not(by.code, 0);
    assert.match(by.stderr, /--by|colour/);
    const since = await aosAsync(['usage', '--home', home, '--since', 'last week'], { env });
    assert.is.not(since.code, 0);
    assert.match(since.stderr, /--since: expected YYYY-MM-DD/);
    const none = await aosAsync(['usage', '--home', home], { env });
    assert.is(none.code, 0);
    assert.match(none.stdout, /No model spend since/);
  });
});

test.run();
