// The man page (aos.1), generated from the command table at build time, so `man aos` lists exactly
// the commands and options the CLI has. Pure: the table's data and the version in, roff out.
import type { CommandInfo, CommandTable } from './completion.js';

/** Roff treats a leading dot or quote as a request and backslash as an escape: make text literal. */
function roff(text: string): string {
  return text.replace(/\\/g, '\\e').replace(/-/g, '\\-').replace(/^([.'])/gm, '\\&$1');
}

function synopsis(c: CommandInfo): string {
  const pos = (c.positionals ?? []).map((p) => (p.required ? `<${p.name}${p.variadic ? '...' : ''}>` : `[${p.name}${p.variadic ? '...' : ''}]`));
  const opts = Object.entries(c.options ?? {}).map(([k, o]) => `[--${k}${o.type === 'string' ? (o.choices ? ` ${o.choices.join('|')}` : ' value') : ''}]`);
  return ['aos', ...c.path, ...pos, ...opts].join(' ');
}

function optionItems(options: CommandInfo['options']): string[] {
  return Object.entries(options ?? {}).flatMap(([k, o]) => [
    '.TP',
    `.B \\-\\-${roff(k)}${o.type === 'string' ? ` " ${roff(o.choices ? o.choices.join('|') : 'value')}"` : ''}`,
    roff(o.describe + (o.default !== undefined ? ` (default: ${o.default})` : '')),
  ]);
}

export function manPage(table: CommandTable, version: string): string {
  const out = [
    `.TH AOS 1 "" "aos ${roff(version)}" "User Commands"`,
    '.SH NAME',
    'aos \\- a personal agent operating system made of plain files',
    '.SH SYNOPSIS',
    '.B aos',
    '.I command',
    '[options]',
    '.SH DESCRIPTION',
    roff('Everything aos knows lives as markdown and YAML in one git repository, the home: agents/, memory/, goals/, inbox/ and logs/. ' +
      'Short-lived aos commands, started by you or by cron, read and change those files, and every change is a git commit.'),
    '.SH COMMANDS',
  ];
  for (const c of table.commands) {
    out.push('.TP', `.B ${roff(synopsis(c))}`, roff(c.describe));
    for (const p of c.positionals ?? []) out.push('.RS', `.I ${roff(p.name)}`, `\\(em ${roff(p.describe)}`, '.RE');
    if (c.options && Object.keys(c.options).length) out.push('.RS', ...optionItems(c.options), '.RE');
  }
  out.push(
    '.SH GLOBAL OPTIONS', ...optionItems(table.globals),
    '.TP', '.B \\-\\-help', 'show help for aos or a command',
    '.TP', '.B \\-\\-version', 'print the version',
    '.SH ENVIRONMENT',
    '.TP', '.B AOS_HOME', roff('the home folder when --home is not given (else the nearest parent folder holding aos.yaml)'),
    '.TP', '.B ANTHROPIC_API_KEY', roff('the key for model.provider: anthropic; never written into the home'),
    '.TP', '.B AOS_DEVICE', roff('this device\'s name in claims, run records and commit trailers'),
    '.SH EXIT STATUS',
    roff('0 done; 1 something needs your attention (said on stderr, so cron mails it); 2 the command line was wrong.'),
    '.SH SEE ALSO',
    roff('git(1), cron(8); the README and docs/ of the aos repository.'),
  );
  return out.join('\n') + '\n';
}
