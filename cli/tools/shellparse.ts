// The IO edge of the shell check: a real shell parser (mvdan/sh, compiled to JavaScript) turns the
// command into plain data that cli/core/agents/shellcheck.ts judges. Nothing here decides anything.
// Loaded only when a shell command is checked: the parser costs ~70 ms to load.
import type { ShellAst, ShPart, ShWord, ShConstruct } from '../core/agents/shellcheck.js';
import type { ShNode } from 'mvdan-sh';

let parser: { parse(src: string): ShNode; type(n: ShNode): string; walk: (n: ShNode, fn: (n: ShNode | null) => boolean) => void } | undefined;

async function load(): Promise<NonNullable<typeof parser>> {
  if (parser) return parser;
  const { syntax } = (await import('mvdan-sh')).default;
  // Bash's grammar is the widest: anything bash-only is seen (and refused) instead of misread.
  const p = syntax.NewParser(syntax.KeepComments(true), syntax.Variant(syntax.LangBash));
  parser = { parse: (src) => p.Parse(src, ''), type: (n) => syntax.NodeType(n), walk: (n, fn) => syntax.Walk(n, fn) };
  return parser;
}

const WORD_PARTS = new Set(['Lit', 'SglQuoted', 'DblQuoted']);

/** Parses a command into the plain structure the pure check reads, or says why it is not shell. */
export async function parseShell(command: string): Promise<ShellAst | { error: string }> {
  const sh = await load();
  const bytes = Buffer.from(command, 'utf8');
  // The parser's offsets count UTF-8 bytes.
  const text = (n: ShNode) => bytes.subarray(n.Pos().Offset(), n.End().Offset()).toString('utf8');
  const key = (n: ShNode) => `${n.Pos().Offset()}-${n.End().Offset()}`;
  let file: ShNode;
  try {
    file = sh.parse(command);
  } catch (err) {
    return { error: String((err as Error)?.message ?? err).replace(/^:?\s*/, '') };
  }

  const part = (n: ShNode): ShPart => {
    const type = sh.type(n);
    if (type === 'Lit') return { type, text: text(n), value: String(n.Value) };
    if (type === 'SglQuoted') return { type, text: text(n), value: String(n.Value), dollar: Boolean(n.Dollar) };
    if (type === 'DblQuoted') return { type, text: text(n), dollar: Boolean(n.Dollar), parts: (n.Parts as ShNode[]).map(part) };
    if (type === 'CmdSubst') return { type, text: text(n), backquotes: Boolean(n.Backquotes) };
    return { type, text: text(n) };
  };

  const roles = new Map<string, ShWord['role']>();
  const owner = new Map<string, number>();
  const words: ShWord[] = [];
  const calls: ShWord[][] = [];
  const constructs: ShConstruct[] = [];
  // A redirection's target word, by position, with its operator: the confinement judges it as a path.
  const redirectOps = new Map<string, string>();
  const redirects: NonNullable<ShellAst['redirects']> = [];
  sh.walk(file, (n) => {
    if (!n) return true;
    const type = sh.type(n);
    switch (type) {
      case 'File':
        if ((n.Stmts as ShNode[]).length > 1) constructs.push({ type: 'Statements', text: command, count: (n.Stmts as ShNode[]).length });
        return true;
      case 'Stmt':
        if (n.Negated) constructs.push({ type: 'Negated', text: text(n) });
        if (n.Background) constructs.push({ type: 'Background', text: text(n) });
        if (n.Coprocess) constructs.push({ type: 'Coprocess', text: text(n) });
        return true;
      case 'CallExpr': {
        const args = n.Args as ShNode[];
        args.forEach((w, i) => roles.set(key(w), i === 0 ? 'name' : 'arg'));
        calls.push([]);
        const at = calls.length - 1;
        // Words are visited after their call; remember which call they belong to by position.
        args.forEach((w) => owner.set(key(w), at));
        return true;
      }
      case 'Word': {
        const w: ShWord = { text: text(n), role: roles.get(key(n)) ?? 'other', parts: (n.Parts as ShNode[]).map(part) };
        words.push(w);
        const op = redirectOps.get(key(n));
        if (op) redirects.push({ op, word: w });
        const at = owner.get(key(n));
        if (at !== undefined && w.role !== 'other') calls[at]!.push(w);
        return true;
      }
      case 'Redirect': {
        const op = /^(?:&>>|&>|<<<|<<-|<<|>>|>\||>&|<&|<>|>|<)/.exec(bytes.subarray(n.OpPos.Offset()).toString('utf8'))?.[0] ?? '?';
        constructs.push({ type, text: text(n), op });
        if (n.Word) redirectOps.set(key(n.Word as ShNode), op);
        if (n.Hdoc) roles.set(key(n.Hdoc as ShNode), 'heredoc');
        return true;
      }
      case 'BinaryCmd': {
        const op = /^(?:&&|\|\||\|&|\|)/.exec(bytes.subarray(n.OpPos.Offset()).toString('utf8'))?.[0] ?? '?';
        constructs.push({ type, text: text(n), op });
        return true;
      }
      default:
        if (!WORD_PARTS.has(type)) constructs.push({ type, text: text(n), ...(type === 'CmdSubst' ? { backquotes: Boolean(n.Backquotes) } : {}) });
        return true;
    }
  });
  return { calls, words, constructs, redirects };
}
