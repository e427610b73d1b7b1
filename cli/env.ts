// Everything that varies between runs, injected as one object so deep code stays testable.

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
  vars: Readonly<Record<string, string | undefined>>;
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
}
