// The edge of `aos init --model`: what this machine has (an Anthropic key, claude, codex or ollama
// on PATH, ollama's pulled models). The choice itself is pure (core/agents/startermodel.ts).
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { delimiter, join } from 'node:path';
import { parseDocument } from 'yaml';
import { CLI_BRAINS, parseOllamaList, type CliBrain, type ModelFacts } from '../core/agents/startermodel.js';
import type { Vars } from '../env.js';

/** The program's path when PATH holds an executable file of that name. */
async function onPath(name: string, path: string | undefined): Promise<string | undefined> {
  for (const dir of (path ?? '').split(delimiter).filter(Boolean)) {
    const file = join(dir, name);
    try {
      const st = await fs.stat(file);
      if (!st.isFile()) continue;
      await fs.access(file, fs.constants.X_OK);
      return file;
    } catch {
      continue; // not here: the next PATH entry may have it
    }
  }
  return undefined;
}

/** `ollama list`'s models; none when it fails or is slow (a stopped server is "no model", not an error of init). */
function ollamaList(program: string, vars: Vars): Promise<string[]> {
  return new Promise((resolve) => {
    execFile(program, ['list'], { timeout: 5000, env: vars as NodeJS.ProcessEnv, encoding: 'utf8' }, (err, stdout) => resolve(err ? [] : parseOllamaList(stdout)));
  });
}

export async function findModelFacts(vars: Vars): Promise<ModelFacts> {
  const programs: CliBrain[] = [];
  let ollamaModels: string[] = [];
  for (const p of CLI_BRAINS) {
    const file = await onPath(p, vars.PATH);
    if (!file) continue;
    programs.push(p);
    if (p === 'ollama') ollamaModels = await ollamaList(file, vars);
  }
  return { apiKey: Boolean(vars.ANTHROPIC_API_KEY), programs, ollamaModels };
}

/** aos.yaml with its model: section set; the starter's comments stay, the command list stays on one line. */
export function withStarterModel(configText: string, setting: Record<string, unknown>): string {
  const doc = parseDocument(configText);
  for (const [k, v] of Object.entries(setting)) {
    const node = doc.createNode(v);
    if (Array.isArray(v)) (node as { flow?: boolean }).flow = true;
    doc.setIn(['model', k], node);
  }
  return doc.toString();
}
