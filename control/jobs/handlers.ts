/**
 * Handlers of control's jobs, run by the in-process worker (`runWorker`): post-call insights,
 * SMS answers, automated callbacks. Each is idempotent: delivery is at least once.
 */
import { z } from 'zod';
import type { ControlDeps } from '../deps.ts';
import type { JobHandler } from '../queue/index.ts';
import { createLlmModel, type LlmModel } from '../insights/llm.ts';
import { runPostCall } from '../insights/post-call.ts';
import { runSmsReply } from '../insights/sms-reply.ts';
import { JOB_KIND, isAssistantReminder } from './schedule.ts';

const PostCallPayload = z.object({ call_id: z.string(), leg: z.string().optional() });
const SmsReplyPayload = z.object({ call_id: z.string(), message_id: z.string() });
const CallbackPayload = z.object({ call_id: z.string(), title: z.string(), due_date_time: z.string() });

/** The handlers, by job kind. */
export function jobHandlers(deps: ControlDeps): Record<string, JobHandler> {
  const slow = createLlmModel(deps.config.llm.slow);
  const fast = createLlmModel(deps.config.llm.fast);
  const chat: LlmModel[] = [deps.config.features.slow_llm_for_chat ? slow : fast, deps.config.features.slow_llm_for_chat ? fast : slow].filter(
    (m): m is LlmModel => m !== undefined,
  );
  const base = { store: deps.store, sms: deps.sms, logger: deps.logger, now: deps.now };
  return {
    [JOB_KIND.postCall]: async (job) => {
      const payload = PostCallPayload.parse(job.payload);
      await runPostCall({ ...base, llm: slow ?? fast }, payload.call_id, payload.leg);
    },
    [JOB_KIND.smsReply]: async (job) => {
      const payload = SmsReplyPayload.parse(job.payload);
      await runSmsReply({ ...base, llm: chat }, payload.call_id, payload.message_id);
    },
    [JOB_KIND.callback]: async (job) => {
      const payload = CallbackPayload.parse(job.payload);
      const call = await deps.store.get(payload.call_id);
      // The reminder may have been moved or removed since: only the one still due calls back.
      const reminder = call?.reminders.find((r) => r.title === payload.title && Date.parse(r.due_date_time) === Date.parse(payload.due_date_time));
      if (call === undefined || reminder === undefined || !isAssistantReminder(reminder)) return;
      const placed = await deps.calls.callBack(payload.call_id);
      deps.logger.info({ call_id: payload.call_id, placed: placed !== undefined }, 'reminder callback');
    },
  };
}
