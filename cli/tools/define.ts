// A tool's input is written once, as a valibot schema: it checks what the model sends, and the JSON
// Schema the model is shown is derived from it (@valibot/to-json-schema), so the two cannot drift.
import * as v from 'valibot';
import { toJsonSchema } from '@valibot/to-json-schema';
import type { Capability } from '../core/agents/capabilities.js';
import type { RunCtx } from './runctx.js';
import type { Tool } from './registry.js';
import type { CanSpec } from './canspec.js';

/**
 * Checks the model is not shown: valibot enforces them and the refusal says which failed. Showing
 * them would change every prompt; trim and finite have no JSON Schema form at all.
 */
const UNSHOWN_ACTIONS = ['trim', 'finite', 'min_length', 'max_length', 'regex'];

/**
 * Drops what the converter adds that the model was never shown: $schema, an empty required, a closed
 * object's additionalProperties, a record's string property names. type comes first, as it always
 * did: the tool definitions are part of the cached prompt, byte for byte.
 */
function unshown(schema: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const { type, ...rest } = schema;
  if (type !== undefined) out.type = type;
  for (const [key, value] of Object.entries(rest)) {
    if (key === '$schema' || key === 'propertyNames') continue;
    if (key === 'additionalProperties' && value === false) continue;
    if (key === 'required' && Array.isArray(value) && !value.length) continue;
    if (key === 'properties' && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value as Record<string, Record<string, unknown>>).map(([name, s]) => [name, unshown(s)]));
    } else if ((key === 'items' || key === 'additionalProperties') && value && typeof value === 'object') {
      out[key] = unshown(value as Record<string, unknown>);
    } else out[key] = value;
  }
  return out;
}

/** The JSON Schema the model is shown for a tool's input. Throws on a schema with no JSON Schema form. */
export function inputSchema(input: v.GenericSchema): Record<string, unknown> {
  return unshown(toJsonSchema(input, { errorMode: 'throw', ignoreActions: UNSHOWN_ACTIONS }) as Record<string, unknown>);
}

/** A tool from its name, description and input schema; the model's view of the input is derived. */
export function defineTool<S extends v.GenericSchema>(t: {
  name: string;
  description: string;
  input: S;
  offered(caps: readonly Capability[]): boolean;
  /** How `aos can` judges this tool (tools/canspec.ts): required, so no tool is missing from it. */
  can: CanSpec;
  run(input: v.InferOutput<S>, ctx: RunCtx): Promise<string>;
}): Tool<v.InferOutput<S>> {
  let def: Tool['def'] | undefined;
  return {
    // Derived when first asked for (a run offering its tools), not when the module loads: every
    // tick loads the tools through crash recovery, and most ticks run nothing.
    get def() {
      return (def ??= { name: t.name, description: t.description, input_schema: inputSchema(t.input) });
    },
    input: t.input as unknown as v.GenericSchema<unknown, v.InferOutput<S>>,
    offered: t.offered,
    can: t.can,
    run: t.run,
  };
}

/** A free text the model writes: trimmed, not empty, at most max characters. */
export const text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1, 'a non-empty text'), v.maxLength(max, `at most ${max} characters`));
