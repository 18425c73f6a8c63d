/**
 * Messages between a bench and the processes it starts (control, gateway, stand-ins), over Node's IPC
 * channel. Every request carries an id; the child answers with the same id.
 */
import type { ChildProcess } from 'node:child_process';

/** Requests a bench sends to a child. */
export type ChildRequest =
  | { readonly id: number; readonly type: 'create-calls'; readonly count: number; readonly numberPrefix: string }
  | { readonly id: number; readonly type: 'stats' }
  | { readonly id: number; readonly type: 'reset-stats' }
  /** Stand-ins child: what the caller of `callId` says next. */
  | { readonly id: number; readonly type: 'transcript'; readonly callId: string; readonly text: string }
  /** Stand-ins child: {@link StandinLateness} since the previous such request. */
  | { readonly id: number; readonly type: 'lateness' }
  | { readonly id: number; readonly type: 'close' };

/** A request without its id (distributes over the union, unlike `Omit`). */
export type RequestBody = ChildRequest extends infer R ? (R extends ChildRequest ? Omit<R, 'id'> : never) : never;

/** Process figures a child reports about itself. */
export interface ChildStats {
  /** Event-loop delay since the last reset (ms), from `monitorEventLoopDelay` at 1 ms resolution. */
  readonly lagMs: { readonly p50: number; readonly p99: number; readonly max: number; readonly mean: number };
  /** Event-loop utilisation since the last reset (0..1). */
  readonly elu: number;
  /** CPU time since the last reset (ms of one core: user + system). */
  readonly cpuMs: number;
  /** Wall time since the last reset (ms). */
  readonly wallMs: number;
  readonly rssMb: number;
  /** The main thread's JavaScript heap (worker threads have their own, not counted here). */
  readonly heapUsedMb: number;
  readonly heapTotalMb: number;
  /** Memory outside the JavaScript heaps: typed-array stores, shared and WebAssembly memory, native buffers. */
  readonly externalMb: number;
}

/** A latency summary (ms). */
export interface LatenessSummary {
  readonly p50: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

/** How late the stand-ins delivered, after their configured delays (ms). */
export interface StandinLateness {
  readonly stt_final: LatenessSummary;
  readonly llm_first_token: LatenessSummary;
  readonly tts_first_byte: LatenessSummary;
}

/** What a child sends. */
export type ChildMessage =
  | { readonly type: 'ready'; readonly url: string; readonly port: number; readonly urls?: Readonly<Record<string, string>> }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly id: number; readonly type: 'reply'; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly type: 'reply'; readonly ok: false; readonly message: string };

/** Request/answer over a child's IPC channel. */
export class ChildChannel {
  #next = 1;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(readonly child: ChildProcess) {
    child.on('message', (raw) => {
      const msg = raw as ChildMessage;
      if (msg.type !== 'reply') return;
      const waiter = this.#pending.get(msg.id);
      if (waiter === undefined) return;
      this.#pending.delete(msg.id);
      if (msg.ok) waiter.resolve(msg.value);
      else waiter.reject(new Error(msg.message));
    });
    child.on('exit', (code, signal) => {
      for (const w of this.#pending.values()) w.reject(new Error(`child exited (${signal ?? code}) before answering`));
      this.#pending.clear();
    });
  }

  /** Sends a request and resolves with the child's answer. */
  request<T>(message: RequestBody, timeoutMs = 60_000): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`child did not answer ${message.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child.send({ ...message, id });
    });
  }
}

/**
 * In a child: answers requests with `handle`, errors become `ok: false` replies. When the bench
 * goes away (Ctrl-C, crash) the IPC channel closes and the child exits: no orphaned gateway keeps
 * burning a shared machine's CPU.
 */
export function serveRequests(handle: (req: ChildRequest) => Promise<unknown>): void {
  process.once('disconnect', () => process.exit(0));
  process.on('message', (raw) => {
    const req = raw as ChildRequest;
    handle(req).then(
      (value) => process.send?.({ id: req.id, type: 'reply', ok: true, value } satisfies ChildMessage),
      (error: unknown) => process.send?.({ id: req.id, type: 'reply', ok: false, message: String((error as Error)?.message ?? error) } satisfies ChildMessage),
    );
  });
}
