// Everything that varies between runs, injected as one object so deep code stays testable.

/** A command's parsed arguments, as the entry hands them to the command's handler. */
export type Args = { home?: string; json?: boolean; [k: string]: unknown };

/** Environment variables, as the process got them (only the entry reads process.env). */
export type Vars = Readonly<Record<string, string | undefined>>;

export interface Output {
  json: boolean;
  /** A line for a person on stdout. */
  line(text?: string): void;
  /** Text as it streams in, with no newline added. */
  write(text: string): void;
  /** Structured data on stdout (as JSON under --json). */
  data(value: unknown): void;
  /** A warning for the owner on stderr (cron mails it). */
  warn(text: string): void;
}

export interface Env {
  cwd: string;
  /** --home, then AOS_HOME. */
  homeFlag?: string;
  vars: Vars;
  now(): Date;
  randomBytes(n: number): Uint8Array;
  hostname: string;
  pid: number;
  /** The folder holding package.json and the starter home. */
  packageRoot: string;
  /** The node binary running aos, for the children that run aos again (a brain's aos mcp). */
  execPath?: string;
  isTTY: boolean;
  readStdin(): Promise<string>;
  out: Output;
  /**
   * From now on, Ctrl-C (SIGINT) and SIGTERM abort `signal` (its reason is the signal's name)
   * instead of killing aos, so a run can end as cancelled and be committed; a second one quits at
   * once. For the commands that run agents; `dispose` restores the default.
   */
  catchStop?(): StopSignals;
}

export interface StopSignals {
  signal: AbortSignal;
  /** The exit code a stop asks for (130 for SIGINT, 143 for SIGTERM), once one arrived. */
  exitCode(): number | undefined;
  dispose(): void;
}
