// What passes between the agent loop and a model, in one provider-neutral shape. The run record
// stores exactly these, so a run can be resumed or replayed from its file.

export interface TextBlock {
  type: 'text';
  text: string;
}

export interface ToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: unknown;
}

export interface ToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content: string;
  is_error?: boolean;
}

export type AssistantBlock = TextBlock | ToolUseBlock;

/**
 * A file for the model (issue 20): an image or a PDF, base64. Only ever in the messages of one call,
 * never in a run record (the item names the file); `file` is its path in the home, for a brain that
 * cannot take blocks and reads the file itself.
 */
export interface AttachmentBlock {
  type: 'image';
  media_type: string;
  data: string;
  file: string;
}
export interface DocumentBlock {
  type: 'document';
  media_type: 'application/pdf';
  data: string;
  file: string;
}

export type UserBlock = TextBlock | ToolResultBlock | AttachmentBlock | DocumentBlock;

export type Message =
  | { role: 'user'; content: string | UserBlock[] }
  | { role: 'assistant'; content: AssistantBlock[] };

export interface Usage {
  input: number;
  output: number;
  cache_read: number;
  cache_write: number;
}

export const NO_USAGE: Usage = { input: 0, output: 0, cache_read: 0, cache_write: 0 };

export function addUsage(a: Usage, b: Usage): Usage {
  return { input: a.input + b.input, output: a.output + b.output, cache_read: a.cache_read + b.cache_read, cache_write: a.cache_write + b.cache_write };
}

/** One answer from the model. */
export interface ModelTurn {
  content: AssistantBlock[];
  /** end_turn | tool_use | max_tokens | stop_sequence | refusal … as the provider said. */
  stop: string;
  usage: Usage;
  /** The model that answered, as the provider named it. */
  model: string;
  /** USD, when the model reported what the call cost (a CLI brain such as claude -p); else priced from usage. */
  costUsd?: number;
}

export interface ToolDef {
  name: string;
  description: string;
  /** JSON Schema of the input object. */
  input_schema: Record<string, unknown>;
}

export interface ModelRequest {
  model: string;
  /**
   * The system prompt in two parts: `stable` (instructions, owner profile, MEMORY.md) stays
   * byte-identical between runs and is marked for prompt caching; `dynamic` changes per run.
   */
  system: {
    stable: string;
    dynamic: string;
    /**
     * Between the two, behind its own cache breakpoint: blocks that only grow between runs (the
     * recent-log digest, cli/core/agents/prompt.ts), oldest first.
     */
    recent?: string[];
  };
  tools: ToolDef[];
  /** The tool the model must call in this answer (one of `tools`): its answer is that call, never prose. */
  toolChoice?: string;
  messages: Message[];
  /**
   * A run that may take several turns: once the conversation holds a model turn, its last message
   * is marked for the provider's cache too, so the next turn reads the conversation from it.
   */
  cacheTurns?: boolean;
  maxTokens: number;
  /** Aborts the call (the tick's time budget, a timeout). */
  signal?: AbortSignal;
  /** Streamed text as it arrives, for `aos run` on a terminal. */
  onText?: (delta: string) => void;
  /** The run asking, for a brain that acts through `aos mcp` and names the run in its commits. */
  run?: string;
}

export type ModelErrorKind = 'rate_limit' | 'overloaded' | 'server' | 'timeout' | 'connection' | 'malformed' | 'auth' | 'bad_request' | 'failed';

/** A failed model call, classified so the loop knows whether to retry. */
export class ModelError extends Error {
  constructor(
    readonly kind: ModelErrorKind,
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    /** Seconds the server asked us to wait (retry-after). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'ModelError';
  }
}

export interface Provider {
  /** anthropic | command | replay */
  readonly name: string;
  /** The model this provider will ask for. */
  readonly model: string;
  call(req: ModelRequest): Promise<ModelTurn>;
}
