/**
 * Abort reasons of a turn. `turn.abort(reason)` stops its LLM request, splitter, TTS and
 * outbound writes; code that catches branches on `instanceof` of `signal.reason`.
 */

/** The caller spoke over the agent. */
export class BargeInError extends Error {
  constructor() {
    super('caller barged in');
    this.name = 'BargeInError';
  }
}

/** A speculative answer was discarded (the caller went on, or said something else). */
export class SpeculationDiscardedError extends Error {
  constructor(readonly why: 'speech_resumed' | 'transcript_changed' | 'empty') {
    super(`speculative answer discarded: ${why}`);
    this.name = 'SpeculationDiscardedError';
  }
}

/** The answer took longer than `answer_hard_timeout_sec` without saying anything. */
export class AnswerTimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'AnswerTimeoutError';
  }
}

/** The call ended (hang-up, transfer, close). */
export class CallEndedError extends Error {
  constructor() {
    super('call ended');
    this.name = 'CallEndedError';
  }
}
