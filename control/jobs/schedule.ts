/**
 * The background jobs control enqueues (SPEC §4): post-call insights, answers to inbound SMS and
 * automated callbacks for reminders the assistant owns. Job ids make every enqueue idempotent.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Call, Reminder } from '../contract/index.ts';
import type { JobQueue } from '../queue/types.ts';

/** Job kinds. */
export const JOB_KIND = { postCall: 'post_call', smsReply: 'sms_reply', callback: 'callback' } as const;

/** Payload of a `post_call` job. */
export interface PostCallPayload {
  readonly call_id: string;
  /** Set for a resumed call's later leg (its start, ms): each leg gets its own analysis. */
  readonly leg?: string;
}
/** Payload of an `sms_reply` job. */
export interface SmsReplyPayload {
  readonly call_id: string;
  readonly message_id: string;
}
/** Payload of a `callback` job: the reminder that triggers it. */
export interface CallbackPayload {
  readonly call_id: string;
  readonly title: string;
  readonly due_date_time: string;
}

/** Options of {@link JobScheduler}. */
export interface JobSchedulerOptions {
  readonly queue: JobQueue;
  readonly logger: Logger;
  readonly now: () => number;
  /**
   * Delay before post-call work starts. The gateway flushes the last turn's events as the media
   * connection closes, which can reach control just after the carrier's hang-up: 5 s lets them
   * land first. Tests set 0.
   */
  readonly postCallDelayMs?: number;
}

/** True for reminders the assistant owns (it calls the customer back at the due time). */
export function isAssistantReminder(reminder: Reminder): boolean {
  return reminder.owner.trim().toLowerCase() === 'assistant';
}

/** Enqueues control's jobs. */
export class JobScheduler {
  readonly #o: JobSchedulerOptions;

  constructor(options: JobSchedulerOptions) {
    this.#o = options;
  }

  /**
   * `post_call:{call_id}`: once per call, whoever notices the end first (carrier callback or the
   * gateway's `call_ended`). A resumed call's later leg is `post_call:{call_id}:{leg}`.
   */
  async postCall(callId: string, leg?: string): Promise<void> {
    const delay = this.#o.postCallDelayMs ?? 5_000;
    const payload: PostCallPayload = leg === undefined ? { call_id: callId } : { call_id: callId, leg };
    const id = leg === undefined ? `post_call:${callId}` : `post_call:${callId}:${leg}`;
    const added = await this.#o.queue.enqueue({ id, kind: JOB_KIND.postCall, payload }, { notBeforeMs: this.#o.now() + delay });
    if (added) this.#o.logger.info({ call_id: callId }, 'post-call job queued');
  }

  /** `sms_reply:{message_id}`: answer one inbound SMS. */
  async smsReply(callId: string, messageId: string): Promise<void> {
    const payload: SmsReplyPayload = { call_id: callId, message_id: messageId };
    await this.#o.queue.enqueue({ id: `sms_reply:${messageId}`, kind: JOB_KIND.smsReply, payload });
  }

  /** Schedules callbacks for the call's assistant-owned reminders due in the future. */
  async callbacks(call: Call): Promise<number> {
    let scheduled = 0;
    for (const reminder of call.reminders) {
      if (!isAssistantReminder(reminder)) continue;
      const dueMs = Date.parse(reminder.due_date_time);
      if (!Number.isFinite(dueMs) || dueMs <= this.#o.now()) continue;
      const key = createHash('sha256').update(reminder.title).digest('hex').slice(0, 16);
      const payload: CallbackPayload = { call_id: call.call_id, title: reminder.title, due_date_time: reminder.due_date_time };
      const id = `callback:${call.call_id}:${key}:${dueMs}`;
      if (await this.#o.queue.enqueue({ id, kind: JOB_KIND.callback, payload }, { notBeforeMs: dueMs })) {
        scheduled++;
        this.#o.logger.info({ call_id: call.call_id, due: reminder.due_date_time }, 'callback scheduled');
      }
    }
    return scheduled;
  }
}
