// Turns schema issues into problems that name the file, line, field, what was expected and found.
import * as v from 'valibot';
import type { Problem } from '../../errors.js';
import { lineOf, describe, type ParsedYaml } from './yaml.js';
import { closest } from './suggest.js';

type AnySchema = v.GenericSchema;
interface SchemaShape {
  entries?: Record<string, AnySchema>;
  item?: AnySchema;
  wrapped?: AnySchema;
  pipe?: SchemaShape[];
}

function unwrap(schema: AnySchema | undefined): SchemaShape | undefined {
  let s = schema as SchemaShape | undefined;
  for (;;) {
    // A pipe that ends in an object schema (a short form read as the long one) has that object's fields.
    const piped = s?.entries ? undefined : s?.pipe?.find((p) => p.entries);
    if (s?.wrapped) s = s.wrapped as SchemaShape;
    else if (piped) s = piped;
    else return s;
  }
}

function knownKeys(schema: AnySchema, path: readonly (string | number)[]): string[] {
  let s = unwrap(schema);
  for (const key of path) {
    if (typeof key === 'number') s = unwrap(s?.item);
    else s = unwrap(s?.entries?.[key]);
  }
  return Object.keys(s?.entries ?? {});
}

function expectedText(issue: v.BaseIssue<unknown>): string {
  if (issue.type === 'picklist') {
    const options = (issue.expected ?? '').replace(/[()"]/g, '').split(' | ');
    return `one of ${options.join(', ')}`;
  }
  // Our own messages in schemas.ts are already phrased as the expectation (valibot's own begin "Invalid").
  if (issue.kind === 'validation' || !issue.message.startsWith('Invalid ')) return issue.message;
  const e = issue.expected ?? issue.type;
  return /^[a-z]+$/.test(e) ? `a ${e}` : e;
}

export function validate<S extends AnySchema>(
  schema: S,
  data: unknown,
  file: string,
  yaml?: ParsedYaml,
): { value?: v.InferOutput<S>; problems: Problem[] } {
  const result = v.safeParse(schema, data, { abortEarly: false });
  if (result.success) return { value: result.output, problems: [] };
  const problems = result.issues.map((issue): Problem => {
    const path = (issue.path ?? []).map((p) => p.key as string | number);
    const field = path.join('.') || undefined;
    const line = yaml ? lineOf(yaml, path) : undefined;
    if (issue.type === 'strict_object' && issue.expected === 'never') {
      const key = String(path[path.length - 1]);
      const known = knownKeys(schema, path.slice(0, -1));
      const guess = closest(key, known);
      return {
        file,
        line,
        field,
        expected: `a known field (${known.join(', ')})`,
        found: `unknown field "${key}"`,
        hint: guess ? `did you mean "${guess}"?` : undefined,
      };
    }
    if (issue.input === undefined) return { file, line, field, expected: 'a value (the field is required)', found: 'nothing' };
    return { file, line, field, expected: expectedText(issue), found: describe(issue.input) };
  });
  return { problems: problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)) };
}
