/**
 * DSP placement: calls are pinned to a DSP lane for their whole life (their VAD and echo state
 * live there). A lane is a piscina worker thread (one thread per pool, tasks in order), or the
 * main thread itself when `gateway.dsp_workers` is 0. A worker lane ticks by itself every 10 ms
 * while it has calls and reports each tick on a message port, upon which its channels deliver
 * their results; the main-thread lane is ticked by the gateway tick through `tick()`.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { SileroModel } from '../vad/index.ts';
import { DspChannel } from './channel.ts';
import { DspCore, type TickStats } from './core.ts';
import type { DspTask, TickReport } from './worker.ts';

/**
 * Worker threads for `gateway.dsp_workers`: a number as given, `auto` one per core but one (at
 * least one): the main thread (carrier sockets, codecs, the conversation engine's requests) keeps a
 * core of its own. On 2 cores one worker held 100 calls where two held 100 at more CPU and lost
 * more frames at 120 (bench `capacity`).
 * @example resolveDspWorkers('auto', 4) // 3
 */
export function resolveDspWorkers(setting: number | 'auto', cores = availableParallelism()): number {
  return setting === 'auto' ? Math.max(1, cores - 1) : setting;
}

/** DSP tick period (ms): one 20 ms frame; Silero windows (32 ms) fall due in 5 ticks out of 8. */
export const DSP_TICK_MS = 20;
/**
 * Tick period of a worker lane (ms): half a frame, so that a frame waits at most 10 ms for its
 * tick and a hiccup of the thread (a garbage collection, a busy core) has ~45 ms before the
 * 60 ms frame deadline instead of ~30. Windows due are batched per tick as before.
 */
export const WORKER_TICK_MS = 10;

interface Lane {
  run(task: DspTask): Promise<unknown>;
  close(): Promise<void>;
  /** A lane the host ticks (the main-thread lane); worker lanes, which tick by themselves, have none. */
  readonly tick?: () => Promise<TickStats>;
  readonly channels: Set<DspChannel>;
  busy: boolean;
  lastStartMs: number;
  nextSlot: number;
}

/** Placement and lane options. */
export interface DspHostOptions {
  /** Worker threads; 0 runs DSP on the calling thread. */
  readonly workers: number;
  readonly modelPath?: string | undefined;
  /** Run the echo canceller before the VAD (default true). */
  readonly echoCancellation?: boolean | undefined;
  /** Called after each lane tick (metrics, benches). */
  readonly onTick?: ((stats: TickStats, lane: number, wallMs: number) => void) | undefined;
  /** Called when a lane tick fails (the lane keeps going). */
  readonly onError?: ((error: unknown) => void) | undefined;
}

/** Young-generation bound of a DSP thread (MB). */
const DSP_YOUNG_GENERATION_MB = 4;

function threadLane(onReport: (report: TickReport) => void): { lane: Lane; port: MessagePort } {
  const pool = new Piscina<DspTask, unknown>({
    filename: fileURLToPath(new URL('./worker-bootstrap.mjs', import.meta.url)),
    minThreads: 1,
    maxThreads: 1,
    concurrentTasksPerWorker: 1,
    // The thread holds calls' state: it must never be reaped for idleness.
    idleTimeout: 2 ** 31 - 1,
    atomics: 'disabled',
    // The thread's data lives in typed arrays made once per call; per frame it allocates a few
    // hundred bytes. V8's default young generation (grown under load to tens of MB) would only
    // hold garbage longer: a small one keeps the thread's footprint flat as calls are added.
    resourceLimits: { maxYoungGenerationSizeMb: DSP_YOUNG_GENERATION_MB },
  });
  const { port1, port2 } = new MessageChannel();
  port1.on('message', onReport);
  // The port must not keep an otherwise finished process alive.
  port1.unref();
  return {
    lane: {
      run: (task) => pool.run(task, task.op === 'init' ? { transferList: [task.port] } : {}),
      // Graceful: lets a queued close task finish before the thread ends.
      close: async () => {
        await pool.close();
        port1.close();
      },
      channels: new Set(),
      busy: false,
      lastStartMs: 0,
      nextSlot: 1,
    },
    port: port2,
  };
}

async function inlineLane(modelPath: string | undefined, echoCancellation: boolean): Promise<Lane> {
  const model = await SileroModel.load(modelPath);
  const core = new DspCore(model, undefined, echoCancellation);
  return {
    run: async (task) => {
      switch (task.op) {
        case 'open':
          return core.open(task.config);
        case 'close':
          return core.close(task.slotId);
        case 'init':
          return undefined;
      }
    },
    tick: () => core.tick(),
    close: () => model.close(),
    channels: new Set(),
    busy: false,
    lastStartMs: 0,
    nextSlot: 1,
  };
}

/**
 * The DSP lanes of a gateway.
 * @example
 * const dsp = await DspHost.start({ workers: 1 });
 * const channel = dsp.attach(16000, epochMs);
 * channel.listener = { onAudio, onWindow };
 */
export class DspHost {
  readonly #lanes: Lane[];
  readonly #opts: DspHostOptions;
  #closed = false;

  private constructor(lanes: Lane[], opts: DspHostOptions) {
    this.#lanes = lanes;
    this.#opts = opts;
  }

  /** Starts the lanes and loads the model in each (so the first call does not pay for it). */
  static async start(opts: DspHostOptions): Promise<DspHost> {
    const lanes: Lane[] = [];
    let host: DspHost | undefined;
    try {
      const echoCancellation = opts.echoCancellation ?? true;
      if (opts.workers === 0) lanes.push(await inlineLane(opts.modelPath, echoCancellation));
      for (let i = 0; i < opts.workers; i++) {
        const index = lanes.length;
        const { lane, port } = threadLane((report) => host && host.#delivered(index, report));
        lanes.push(lane);
        await lane.run({ op: 'init', modelPath: opts.modelPath, echoCancellation, port, periodMs: WORKER_TICK_MS });
      }
    } catch (error) {
      await Promise.allSettled(lanes.map((l) => l.close()));
      throw error;
    }
    host = new DspHost(lanes, opts);
    return host;
  }

  /** A worker lane finished a tick of its own: its calls' results are in their rings. */
  #delivered(laneIndex: number, report: TickReport): void {
    if (this.#closed) return;
    const lane = this.#lanes[laneIndex];
    if (lane === undefined) return;
    if ('error' in report) {
      this.#opts.onError?.(new Error(`DSP tick failed: ${report.error}`));
      return;
    }
    for (const channel of lane.channels) channel.deliver();
    this.#opts.onTick?.(report.stats, laneIndex, report.wallMs);
  }

  /** Calls attached, across lanes. */
  get channels(): number {
    let n = 0;
    for (const lane of this.#lanes) n += lane.channels.size;
    return n;
  }

  /** Pins a new call to the least loaded lane. */
  attach(carrierRateHz: number, epochMs: number): DspChannel {
    let lane = this.#lanes[0] as Lane;
    for (const l of this.#lanes) if (l.channels.size < lane.channels.size) lane = l;
    const slotId = lane.nextSlot++;
    const channel = new DspChannel(slotId, carrierRateHz, epochMs, (c) => {
      lane.channels.delete(c);
      if (!this.#closed) lane.run({ op: 'close', slotId }).catch((error) => this.#opts.onError?.(error));
    });
    lane.channels.add(channel);
    lane.run({ op: 'open', config: { slotId, buffer: channel.buffer, carrierRateHz, epochMs } }).catch((error) => this.#opts.onError?.(error));
    return channel;
  }

  /**
   * Starts a DSP tick on every lane the host drives (the main-thread lane) that is idle, has calls
   * and whose last tick began ≥ one period ago. Worker lanes tick by themselves.
   */
  tick(nowMs: number): void {
    if (this.#closed) return;
    for (let i = 0; i < this.#lanes.length; i++) {
      const lane = this.#lanes[i] as Lane;
      if (lane.tick === undefined || lane.busy || lane.channels.size === 0 || nowMs - lane.lastStartMs < DSP_TICK_MS - 2) continue;
      lane.busy = true;
      lane.lastStartMs = nowMs;
      const started = performance.now();
      lane
        .tick()
        .then((stats) => {
          lane.busy = false;
          if (this.#closed) return;
          for (const channel of lane.channels) channel.deliver();
          this.#opts.onTick?.(stats, i, performance.now() - started);
        })
        .catch((error) => {
          lane.busy = false;
          this.#opts.onError?.(error);
        });
    }
  }

  /** Stops every lane (worker threads end). Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled(this.#lanes.map((l) => l.close()));
  }
}
