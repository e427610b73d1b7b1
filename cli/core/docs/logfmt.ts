// The daily log's entry format: one greppable heading line, then markdown.
//   ## 10:45:00 · tick · researcher · r-20261121T104500-a1b2

export interface LogEntry {
  date: string;
  time: string;
  kind: string;
  agent: string;
  ref?: string;
  body: string;
  /** Line of the heading in its file. */
  line: number;
  file: string;
}

export const SEP = ' · ';
const HEADING = /^## (\d{2}:\d{2}:\d{2}) · ([^·\n]+?) · ([^·\n]+?)(?: · ([^·\n]+?))?\s*$/;

/** Heading fields are single words or ids; anything that could break the heading is replaced. */
function field(value: string): string {
  return value.replace(/[\r\n·#]+/g, ' ').replace(/\s+/g, ' ').trim() || '-';
}

export function formatEntry(e: { time: string; kind: string; agent: string; ref?: string; body: string }): string {
  const parts = [e.time, field(e.kind), field(e.agent), ...(e.ref ? [field(e.ref)] : [])];
  const body = escapeBody(e.body.replace(/\r\n?/g, '\n').trimEnd());
  return `\n## ${parts.join(SEP)}\n${body ? body + '\n' : ''}`;
}

// A body line starting with "## " would read as a new entry (another agent, another kind), and an
// editor would show it as a heading. Such lines get one more leading backslash on write ("\## "
// renders as the text "## " in markdown) and lose exactly one on read, so every body reads back
// exactly, including one that itself starts with backslashes. Older logs indented such lines by two
// spaces instead: those already read as text and are left as they are.
const ESCAPED = /^(\\*)## /gm;

/** The body as written to the file: no line of it can start an entry. */
export function escapeBody(body: string): string {
  return body.replace(ESCAPED, '\\$1## ');
}

/** The body as its writer gave it (the inverse of escapeBody). */
export function unescapeBody(body: string): string {
  return body.replace(/^\\(\\*)## /gm, '$1## ');
}

export function logHeader(date: string): string {
  return `# ${date}\n`;
}

export function logPath(date: string): string {
  return `logs/${date.slice(0, 4)}/${date.slice(5, 7)}/${date}.md`;
}

export function parseLog(file: string, date: string, text: string): LogEntry[] {
  const entries: LogEntry[] = [];
  let current: LogEntry | undefined;
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  lines.forEach((line, i) => {
    const m = HEADING.exec(line);
    if (m) {
      if (current) entries.push(current);
      current = { date, time: m[1]!, kind: m[2]!, agent: m[3]!, ref: m[4], body: '', line: i + 1, file };
    } else if (current) {
      current.body += line + '\n';
    }
  });
  if (current) entries.push(current);
  // The blank line before the next heading is the format's; the body's own leading indentation is not.
  for (const e of entries) e.body = unescapeBody(e.body.replace(/^(?:[ \t]*\n)+/, '').trimEnd());
  return entries;
}

export function isLogHeading(line: string): boolean {
  return HEADING.test(line);
}
