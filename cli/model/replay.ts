// A provider that answers with a run record's model turns, in order, for `aos replay`.
import { ModelError, type ModelTurn, type Provider } from '../core/runs/transcript.js';
import type { RecordEntry } from '../core/runs/runrecord.js';

export function createReplayProvider(entries: readonly RecordEntry[], model: string): Provider & { used(): number } {
  const turns: ModelTurn[] = entries.flatMap((e) => (e.type === 'model' ? [{ content: e.content, stop: e.stop, usage: e.usage, model }] : []));
  let next = 0;
  return {
    name: 'replay',
    model,
    used: () => next,
    async call() {
      const turn = turns[next];
      if (!turn) throw new ModelError('failed', `the record has only ${turns.length} model turn(s); the replay asked for another`, false);
      next++;
      return turn;
    },
  };
}
