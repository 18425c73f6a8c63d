/**
 * The DSP worker thread's task handler (loaded by piscina through `worker-bootstrap.mjs`). The
 * thread keeps one {@link DspCore}: one Silero session and the state of every call pinned here.
 * Tasks are control only (open, close, tick); audio moves through each call's shared rings.
 */
import { SileroModel } from '../vad/index.ts';
import { DspCore, type SlotConfig, type TickStats } from './core.ts';

/** A task for the DSP thread. */
export type DspTask =
  | { readonly op: 'init'; readonly modelPath?: string | undefined; readonly echoCancellation?: boolean | undefined }
  | { readonly op: 'open'; readonly config: SlotConfig }
  | { readonly op: 'close'; readonly slotId: number }
  | { readonly op: 'tick' };

let core: Promise<DspCore> | undefined;

function ready(): Promise<DspCore> {
  if (core === undefined) throw new Error('DSP worker used before init');
  return core;
}

/** Runs one task; the pool runs them one at a time, in order. */
export default async function handle(task: DspTask): Promise<TickStats | number | undefined> {
  switch (task.op) {
    case 'init':
      core ??= SileroModel.load(task.modelPath).then((model) => new DspCore(model, undefined, task.echoCancellation ?? true));
      await core;
      return undefined;
    case 'open':
      (await ready()).open(task.config);
      return undefined;
    case 'close':
      (await ready()).close(task.slotId);
      return (await ready()).slots;
    case 'tick':
      return (await ready()).tick();
  }
}
