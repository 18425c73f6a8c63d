/**
 * The gateway-facing internal API (contract INTERNAL_PATHS), behind the service token:
 * the call context, conversation events (idempotent by `event_id`) and call-control actions
 * (idempotent by `action_id`).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { ActionRequest, EventBatch, type Call, type ConversationEvent, type TurnTimings } from '../contract/index.ts';
import type { ControlDeps } from '../deps.ts';
import { InvalidCallError, NotFoundError } from '../store/index.ts';
import { ActionRunner } from '../actions/action-runner.ts';
import { serviceTokenAuth } from '../server/auth.ts';
import { apiError } from '../server/errors.ts';
import { readJsonBody } from '../server/validate.ts';

const CallId = z.string().uuid();

function callIdOf(raw: string): string {
  if (!CallId.safeParse(raw).success) throw apiError(404, `call ${raw} not found`, ['call ids are UUIDs']);
  return raw.toLowerCase();
}

/** Routes under `/internal/calls/{call_id}`. */
export function internalRoutes(deps: ControlDeps): Hono {
  const app = new Hono();
  const actions = new ActionRunner(deps);
  app.use('/internal/*', serviceTokenAuth(deps.config.secrets.service_token));

  app.get('/internal/calls/:id/context', async (c) => {
    const context = await deps.calls.context(callIdOf(c.req.param('id')));
    if (context === undefined) throw apiError(404, `call ${c.req.param('id')} not found`);
    return c.json(context);
  });

  app.post('/internal/calls/:id/events', async (c) => {
    const callId = callIdOf(c.req.param('id'));
    const { events } = await readJsonBody(c, EventBatch);
    const before = await deps.store.get(callId);
    if (before === undefined) throw apiError(404, `call ${callId} not found`);
    let after: Call;
    try {
      after = await deps.store.appendEvents(callId, events);
    } catch (error) {
      if (error instanceof NotFoundError) throw apiError(404, `call ${callId} not found`);
      if (error instanceof InvalidCallError) throw apiError(422, 'the events make the call invalid', error.details, error);
      throw error;
    }
    const seen = new Set(before.applied_event_ids);
    const fresh = events.filter((e) => !seen.has(e.event_id));
    await afterEvents(deps, before, after, fresh);
    return c.json({ applied: fresh.length, revision: after.revision });
  });

  app.post('/internal/calls/:id/actions', async (c) => {
    const callId = callIdOf(c.req.param('id'));
    const request = await readJsonBody(c, ActionRequest);
    return c.json(await actions.run(callId, request));
  });

  return app;
}

/**
 * Side effects of newly applied events: metrics, post-call job, callbacks. A turn's timings may
 * arrive in several events (merged by turn id): each stage is recorded the first time it appears.
 */
async function afterEvents(deps: ControlDeps, before: Call, call: Call, fresh: readonly ConversationEvent[]): Promise<void> {
  let reminders = false;
  let ended = false;
  const seen = new Map(before.turns.map((t) => [t.turn_id, new Set(Object.keys(t))] as const));
  for (const event of fresh) {
    if (event.type === 'turn_timings') {
      const known = seen.get(event.timings.turn_id) ?? new Set<string>();
      const news = Object.fromEntries(Object.entries(event.timings).filter(([k]) => !known.has(k))) as Partial<TurnTimings>;
      for (const k of Object.keys(event.timings)) known.add(k);
      seen.set(event.timings.turn_id, known);
      deps.metrics.recordTurn({ ...news, turn_id: event.timings.turn_id }, { carrier: call.carrier, language: call.lang_short_code });
    } else if (event.type === 'reminder_upserted') reminders = true;
    else if (event.type === 'call_ended') ended = true;
  }
  if (reminders) await deps.jobs.callbacks(call);
  if (ended) await deps.jobs.postCall(call.call_id, await deps.calls.leg(call.call_id));
}
