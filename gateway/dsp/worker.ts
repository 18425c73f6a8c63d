/**
 * The DSP worker thread's task handler (loaded by piscina through `worker-bootstrap.mjs`). The
 * thread keeps one {@link DspCore}: one Silero session and the state of every call pinned here.
 * Tasks are control only (init, open, close); audio moves through each call's shared rings.
 *
 * The thread ticks by itself every `periodMs` (set at init) while it has calls, and reports each
 * finished tick on the port it was given at init: a pause of the main thread (a garbage
 * collection, a burst of requests) then delays only the delivery of results, never the processing
 * of audio already in the rings.
 */
import type { MessagePort } from 'node:worker_threads';
import { SileroModel } from '../vad/index.ts';
import { DspCore, type SlotConfig, type TickStats } from './core.ts';

/** A task for the DSP thread. */
export type DspTask =
  | {
      readonly op: 'init';
      readonly modelPath?: string | undefined;
      readonly echoCancellation?: boolean | undefined;
      /** Where finished ticks are reported (transferred with the task). */
      readonly port: MessagePort;
      /** The thread's tick period, ms. */
      readonly periodMs: number;
    }
  | { readonly op: 'open'; readonly config: SlotConfig }
  | { readonly op: 'close'; readonly slotId: number };

/** What the thread posts on its port after each tick of its own. */
export type TickReport = { readonly stats: TickStats; readonly wallMs: number } | { readonly error: string };

let core: Promise<DspCore> | undefined;
let clock: SelfClock | undefined;

function ready(): Promise<DspCore> {
  if (core === undefined) throw new Error('DSP worker used before init');
  return core;
}

/** The thread's own tick: every `periodMs` from the start of the previous one, while calls are open. */
class SelfClock {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #ticking = false;
  #next = 0;

  constructor(
    readonly core: DspCore,
    readonly port: MessagePort,
    readonly periodMs: number,
  ) {}

  /** Starts ticking unless already (a call was opened). */
  wake(): void {
    if (this.#timer !== undefined || this.#ticking) return;
    const now = performance.now();
    if (this.#next < now) this.#next = now;
    this.#timer = setTimeout(() => void this.#run(), this.#next - now);
  }

  async #run(): Promise<void> {
    this.#timer = undefined;
    this.#ticking = true;
    const started = performance.now();
    // A late start shifts the schedule rather than bunching ticks: frames wait in the rings and
    // the next tick takes them all.
    this.#next = started + this.periodMs;
    let report: TickReport;
    try {
      report = { stats: await this.core.tick(), wallMs: performance.now() - started };
    } catch (error) {
      report = { error: error instanceof Error ? error.message : String(error) };
    }
    this.#ticking = false;
    this.port.postMessage(report);
    if (this.core.slots > 0) this.wake();
  }

  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/** Runs one task; the pool runs them one at a time, in order. */
export default async function handle(task: DspTask): Promise<number | undefined> {
  switch (task.op) {
    case 'init': {
      core ??= SileroModel.load(task.modelPath).then((model) => new DspCore(model, undefined, task.echoCancellation ?? true));
      const c = await core;
      clock ??= new SelfClock(c, task.port, task.periodMs);
      return undefined;
    }
    case 'open':
      (await ready()).open(task.config);
      clock?.wake();
      return undefined;
    case 'close': {
      const c = await ready();
      c.close(task.slotId);
      if (c.slots === 0) clock?.stop();
      return c.slots;
    }
  }
}
