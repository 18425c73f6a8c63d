/** `features`: the conversation's tunable flags (SPEC §3), hot-reloadable, each settable to false or 0. */
import { z } from 'zod';
import { zBool, zInt, zNum } from '../coerce.ts';

export const FeaturesSection = z
  .strictObject({
    /** Give up a turn with an apology after this long with nothing said (s). */
    answer_hard_timeout_sec: zInt(0, 600, 15),
    /** Say a short filler after this long with nothing said (s). */
    answer_soft_timeout_sec: zInt(0, 600, 4),
    /** A caller who calls back within this many hours resumes the same conversation. */
    callback_timeout_hour: zInt(0, 24 * 30, 3),
    /** Prompt the caller after this long of silence (s). */
    phone_silence_timeout_sec: zInt(0, 600, 20),
    /** Silence prompts before goodbye and hang-up. */
    recognition_retry_max: zInt(0, 20, 3),
    /** After end of speech, wait at most this long for STT's final result (ms). */
    recognition_stt_complete_timeout_ms: zInt(0, 10_000, 100),
    /** Use the slow model for chat (quality over latency). */
    slow_llm_for_chat: zBool(false),
    /** Caller speech over the agent must last this long to count as barge-in (ms). */
    vad_cutoff_timeout_ms: zInt(0, 5000, 250),
    /** The caller's turn ends after this much silence (ms). */
    vad_silence_timeout_ms: zInt(0, 10_000, 500),
    /** Silero speech probability above which a window is speech. */
    vad_threshold: zNum().pipe(z.number().min(0).max(1)).default(0.5),
    /** Start the LLM on the partial transcript as silence begins (SPEC §3). */
    speculative_turns: zBool(true),
  })
  .prefault({});
