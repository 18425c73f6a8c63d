/**
 * The caller's words of the current turn, from STT results: finals so far plus the latest
 * partial. `settle()` waits (bounded) for the final of speech that has ended, as the turn ends.
 */
import type { SttResult, SttStream } from '../providers/stt/index.ts';
import type { Timers } from '../providers/timers.ts';

export class CallerTranscript {
  #finals: string[] = [];
  #partial = '';
  /** Call-clock time of the last final (STT final latency). */
  lastFinalAt: number | undefined;
  #waiters: Array<() => void> = [];
  /** Called after every change (speculation follows the transcript while the caller is silent). */
  onChange: (() => void) | undefined;

  constructor(readonly now: () => number) {}

  /** Feeds an STT result. */
  push(result: SttResult): void {
    if (result.kind === 'partial') this.#partial = result.text.trim();
    else {
      if (result.text.trim() !== '') this.#finals.push(result.text.trim());
      this.#partial = '';
      this.lastFinalAt = this.now();
    }
    for (const w of this.#waiters.splice(0)) w();
    this.onChange?.();
  }

  /** The turn's text so far (finals, then the partial). */
  get text(): string {
    return [...this.#finals, this.#partial].filter((t) => t !== '').join(' ');
  }

  /** True when only finals make up the text (nothing tentative). */
  get final(): boolean {
    return this.#partial === '';
  }

  /** Clears the turn's text (after it has been answered). */
  reset(): void {
    this.#finals = [];
    this.#partial = '';
    this.lastFinalAt = undefined;
  }

  /**
   * Resolves when STT has no final pending (or after `timeoutMs`: then the partial stands in).
   * `recognition_stt_complete_timeout_ms` bounds how long a turn waits for the recognizer.
   */
  settle(stt: SttStream, timers: Timers, timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (!stt.pending || timeoutMs <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        timers.clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = timers.setTimeout(done, timeoutMs);
      signal.addEventListener('abort', done, { once: true });
      const check = () => {
        if (!stt.pending) done();
        else this.#waiters.push(check);
      };
      this.#waiters.push(check);
    });
  }
}
