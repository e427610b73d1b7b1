// Inbox items as plain files: what a new one looks like, and how to name what an item asks.
import { renderDocument, frontMatterText } from '../docs/frontmatter.js';
import type { InboxFront } from '../docs/schemas.js';
import type { Problem } from '../../errors.js';

export interface NewItem {
  id: string;
  text: string;
  created: string;
  from?: string;
  to?: string;
  kind?: InboxFront['kind'];
  priority?: InboxFront['priority'];
  parent?: string;
  chain?: string[];
  /** The root of the delegation tree this item joins (delegations and messages to agents). */
  root?: string;
  /** The item that began this work (every item a run creates carries it; see schemas.ts). */
  trace?: string;
  slot?: string;
}

export function renderItem(item: NewItem): string {
  const front = frontMatterText({
    id: item.id,
    from: item.from ?? 'owner',
    to: item.to,
    kind: item.kind ?? 'task',
    priority: item.priority ?? 'normal',
    created: item.created,
    parent: item.parent,
    chain: item.chain?.length ? item.chain : undefined,
    root: item.root,
    trace: item.trace,
    slot: item.slot,
    status: 'new',
  });
  return renderDocument(front, item.text.trim() + '\n');
}

/** An item as `aos inbox --json` and aos mcp's inbox tool show it: one shape for both surfaces. */
export function itemView(i: { id: string; file: string; subject: string; front: InboxFront }) {
  return {
    id: i.id,
    file: i.file,
    subject: i.subject,
    from: i.front.from ?? 'owner',
    to: i.front.to ?? null,
    kind: i.front.kind,
    priority: i.front.priority,
    status: i.front.status,
    created: i.front.created ?? null,
  };
}

// In outcome.ts, which loads no YAML: serve needs it (through budgetSpent) on every tick with work.
export { donePath } from './outcome.js';

/** An item's text in bytes as a run would send it (UTF-8). */
export function itemBytes(body: string): number {
  return Buffer.byteLength(body, 'utf8');
}

/**
 * Why an item is too large to send to the model (inbox.max_item_kb), as a problem naming its file;
 * undefined when it fits. The file is never touched: the owner shortens it or raises the cap.
 */
export function itemTooLarge(file: string, body: string, maxKb: number): Problem | undefined {
  const bytes = itemBytes(body);
  if (bytes <= maxKb * 1024) return undefined;
  return {
    file,
    expected: `an item of at most ${maxKb} KB (inbox.max_item_kb in aos.yaml)`,
    found: `${Math.ceil(bytes / 1024)} KB`,
    hint: 'not sent to the model; the file stays: shorten it, put the large part in a file the agent may read, or raise inbox.max_item_kb',
  };
}
