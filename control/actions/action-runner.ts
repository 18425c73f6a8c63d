/**
 * Runs call-control actions the gateway asks for, once per `action_id`: a repeated id (a retry
 * after a timeout) gets the first result, whether it is still running here or already done.
 * Results are kept in the cache; a lock keeps two replicas from running the same action.
 */
import type { ActionRequest, ActionResult, Call, CallAction } from '../contract/index.ts';
import type { ControlDeps } from '../deps.ts';
import { apiError } from '../server/errors.ts';
import { notifyEmergencies } from './emergency.ts';

/** Results are replayed for a day: retries come within seconds, a day covers any replay. */
const RESULT_TTL_SEC = 24 * 3600;
/** The lock outlives the longest action (a transfer waits up to 30 s for the carrier) with margin. */
const LOCK_TTL_SEC = 120;

/** Runs actions idempotently. */
export class ActionRunner {
  readonly #d: ControlDeps;
  readonly #running = new Map<string, Promise<ActionResult>>();

  constructor(deps: ControlDeps) {
    this.#d = deps;
  }

  /** The result of `request` for the call (the first one, for a repeated `action_id`). */
  run(callId: string, request: ActionRequest): Promise<ActionResult> {
    const key = `${callId}:${request.action_id}`;
    let running = this.#running.get(key);
    if (running === undefined) {
      running = this.#once(callId, key, request).finally(() => this.#running.delete(key));
      this.#running.set(key, running);
    }
    return running;
  }

  async #once(callId: string, key: string, request: ActionRequest): Promise<ActionResult> {
    const { cache } = this.#d;
    const done = await cache.get(`action_result:${key}`);
    if (done !== undefined) return JSON.parse(done) as ActionResult;
    const call = await this.#d.store.get(callId);
    if (call === undefined) throw apiError(404, `call ${callId} not found`);
    if (!(await cache.setIfAbsent(`action_lock:${key}`, '1', LOCK_TTL_SEC))) {
      const late = await cache.get(`action_result:${key}`);
      if (late !== undefined) return JSON.parse(late) as ActionResult;
      throw apiError(503, `action ${request.action_id} is already running`, ['retry shortly for its result']);
    }
    let result: ActionResult;
    try {
      result = await this.#execute(call, request.action, request.action_id);
    } catch (error) {
      await cache.delete(`action_lock:${key}`);
      throw error;
    }
    await cache.set(`action_result:${key}`, JSON.stringify(result), RESULT_TTL_SEC);
    this.#d.logger.info({ call_id: callId, action: request.action.type, ok: result.ok }, 'action done');
    return result;
  }

  async #execute(call: Call, action: CallAction, actionId: string): Promise<ActionResult> {
    const carrier = this.#d.carriers.get(call.carrier);
    switch (action.type) {
      case 'transfer': {
        const target = action.target ?? call.initiate.agent_phone_number;
        if (target === undefined) return { ok: false, detail: 'no transfer target: the call has no agent_phone_number' };
        if (carrier === undefined) return { ok: false, detail: `carrier ${call.carrier} is not configured here` };
        return carrier.transfer(call, target, actionId);
      }
      case 'hangup':
        if (carrier === undefined) return { ok: false, detail: `carrier ${call.carrier} is not configured here` };
        return carrier.hangup(call);
      case 'play':
        if (carrier === undefined) return { ok: false, detail: `carrier ${call.carrier} is not configured here` };
        return carrier.play(call, action.text, action.lang_short_code ?? call.lang_short_code, actionId);
      case 'send_sms':
        return this.#sendSms(call, action.message);
      case 'notify_emergencies':
        return notifyEmergencies(this.#d, call, action, actionId);
    }
  }

  /**
   * Sends the SMS. The gateway records the assistant's SMS in the conversation when the action
   * succeeds (it owns the turn's messages), so control does not record it a second time.
   */
  async #sendSms(call: Call, text: string): Promise<ActionResult> {
    const result = await this.#d.sms.send(call.initiate.phone_number, text);
    if (result.sent) return { ok: true, detail: `sent via ${result.provider}` };
    // Without a provider the SMS lives in the conversation (and the report): the embedded behaviour.
    return result.provider === 'none' ? { ok: true, detail: result.detail } : { ok: false, detail: result.detail };
  }
}
