// Inbox items as plain files: what a new one looks like, and how to name what an item asks.
import { renderDocument, frontMatterText } from '../docs/frontmatter.js';
import type { InboxFront } from '../docs/schemas.js';

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
  /** Issue 20: what the item asks in one line (a dropped file's name, for handles: hints). */
  subject?: string;
  /** Issue 20: the file the item carries (inbox/files/<id>/<name>) and where it came from. */
  attachment?: string;
  source?: string;
  /** kind: event — its topic; kind: response — the request it answers; a chain step — its run. */
  topic?: string;
  in_reply_to?: string;
  chain_run?: string;
  /** Only a stream still taking chunks starts otherwise (streaming). */
  status?: 'new' | 'streaming';
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
    subject: item.subject,
    attachment: item.attachment,
    source: item.source,
    topic: item.topic,
    in_reply_to: item.in_reply_to,
    chain_run: item.chain_run,
    status: item.status ?? 'new',
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

// In itemsize.ts, which loads no YAML: serve checks every waiting item on every tick (issue 24).
export { itemBytes, itemTooLarge } from './itemsize.js';
