// The end of a spawned agent: once the one item it was made for is finished (done, failed for good
// or cancelled), its agent file is removed in the run's own commit. Its run records, log lines and
// the item stay, so what it did remains auditable.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Home } from '../home/home.js';
import type { Agent } from '../home/store.js';

export async function retireSpawned(home: Home, agent: Agent, item: string, onRemoved: (file: string) => void): Promise<void> {
  if (agent.front.spawned?.item !== item) return;
  onRemoved(agent.file);
  await fs.rm(join(home.root, agent.file), { force: true });
}
