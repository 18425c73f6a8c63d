/**
 * Starting calls (outbound from `POST /call`, inbound from a carrier or the softphone), resuming
 * a caller's conversation within the callback window, ending calls, and the gateway's view of a
 * call (its context).
 */
import type { Logger } from 'pino';
import type { Cache } from '../cache/types.ts';
import type { Call, CallContext, CallInitiate, Carrier, Config } from '../contract/index.ts';
import type { CallStore } from '../store/types.ts';
import type { JobScheduler } from '../jobs/schedule.ts';
import { CarrierError, type Carriers } from '../carriers/types.ts';
import { canonicalJson, inboundInitiate, newCall, withDefaults } from './call-factory.ts';

/** What the service needs. */
export interface CallServiceDeps {
  readonly config: Config;
  readonly store: CallStore;
  readonly cache: Cache;
  readonly carriers: Carriers;
  readonly jobs: JobScheduler;
  readonly logger: Logger;
  readonly now: () => number;
}

/** A leg's start time is kept a day: no call lasts longer, and a lost entry only skips a recap. */
const LEG_TTL_SEC = 24 * 3600;

/** Starts, resumes and ends calls. */
export class CallService {
  readonly #d: CallServiceDeps;

  constructor(deps: CallServiceDeps) {
    this.#d = deps;
  }

  /**
   * Starts an outbound call with the outbound carrier. An identical request for the same number
   * within `features.callback_timeout_hour` continues that call's conversation.
   * @throws CarrierError when the carrier refuses the call (the call is stored as ended).
   */
  async startOutbound(requested: CallInitiate): Promise<Call> {
    const initiate = withDefaults(requested, this.#d.config);
    const carrier = this.#d.carriers.outbound;
    const previous = await this.#latestInWindow(initiate.phone_number);
    let call: Call;
    if (previous !== undefined && canonicalJson(previous.initiate) === canonicalJson(initiate)) {
      if (previous.in_progress) return previous;
      call = await this.#newLeg(previous.call_id, carrier.kind, 'outbound');
    } else {
      call = await this.#d.store.create(newCall({ initiate, carrier: carrier.kind, direction: 'outbound', nowMs: this.#d.now() }));
    }
    return this.#dial(call);
  }

  async #dial(call: Call): Promise<Call> {
    const carrier = this.#d.carriers.outbound;
    try {
      const { connectionId } = await carrier.dial(call);
      if (connectionId === undefined) return call;
      return await this.#d.store.mutate(call.call_id, (c) => ({ ...c, connection_id: connectionId }));
    } catch (error) {
      await this.#d.store.mutate(call.call_id, (c) => ({ ...c, in_progress: false, state: 'ended' }));
      this.#d.logger.warn({ err: error, call_id: call.call_id, carrier: carrier.kind }, 'carrier refused the outbound call');
      throw error instanceof CarrierError ? error : new CarrierError(`carrier ${carrier.kind} refused the call`, true, { cause: error });
    }
  }

  /**
   * Calls the customer back on an existing call (a reminder's automated callback): a new
   * outbound leg of the same conversation. Does nothing while the call is in progress.
   * @throws CarrierError when the carrier refuses the call.
   */
  async callBack(callId: string): Promise<Call | undefined> {
    const existing = await this.#d.store.get(callId);
    if (existing === undefined || existing.in_progress) return undefined;
    const carrier = this.#d.carriers.outbound;
    const call = await this.#newLeg(callId, carrier.kind, 'outbound');
    return this.#dial(call);
  }

  /**
   * Records an inbound call from `phoneNumber`: continues the caller's latest conversation if it
   * ended within the callback window, else creates one with the configured inbound `initiate`.
   */
  async startInbound(options: { phoneNumber: string; carrier: Carrier; connectionId?: string }): Promise<{ call: Call; resumed: boolean }> {
    const previous = await this.#latestInWindow(options.phoneNumber);
    if (previous !== undefined && !previous.in_progress) {
      const call = await this.#newLeg(previous.call_id, options.carrier, 'inbound', options.connectionId);
      return { call, resumed: true };
    }
    const initiate = inboundInitiate(this.#d.config, options.phoneNumber);
    const fresh = newCall({ initiate, carrier: options.carrier, direction: 'inbound', nowMs: this.#d.now(), ...(options.connectionId === undefined ? {} : { connectionId: options.connectionId }) });
    return { call: await this.#d.store.create(fresh), resumed: false };
  }

  /** Marks the call ended (idempotent) and queues its post-call job. */
  async end(callId: string, why: string): Promise<Call | undefined> {
    const existing = await this.#d.store.get(callId);
    if (existing === undefined) return undefined;
    const call = existing.state === 'ended' && !existing.in_progress ? existing : await this.#d.store.mutate(callId, (c) => ({ ...c, in_progress: false, state: 'ended' }));
    this.#d.logger.info({ call_id: callId, why }, 'call ended');
    await this.#d.jobs.postCall(callId, await this.leg(callId));
    return call;
  }

  /** The start (ms, as text) of a resumed call's current leg; undefined for a call's first leg. */
  async leg(callId: string): Promise<string | undefined> {
    const at = await this.#d.cache.get(legKey(callId));
    return at === undefined ? undefined : String(Date.parse(at));
  }

  /** The gateway's view of a call, or undefined. */
  async context(callId: string): Promise<CallContext | undefined> {
    const call = await this.#d.store.get(callId);
    if (call === undefined) return undefined;
    const legStart = (await this.#d.cache.get(legKey(callId))) ?? call.created_at;
    const legStartMs = Date.parse(legStart);
    return {
      call_id: call.call_id,
      carrier: call.carrier,
      direction: call.direction,
      initiate: call.initiate,
      claim: call.claim,
      messages: call.messages,
      reminders: call.reminders,
      ...(call.lang_short_code === undefined ? {} : { lang_short_code: call.lang_short_code }),
      resumed: call.messages.some((m) => Date.parse(m.created_at) < legStartMs),
      created_at: call.created_at,
    };
  }

  async #latestInWindow(phoneNumber: string): Promise<Call | undefined> {
    const hours = this.#d.config.features.callback_timeout_hour;
    if (hours <= 0) return undefined;
    const since = new Date(this.#d.now() - hours * 3600_000).toISOString();
    return this.#d.store.latestByPhone(phoneNumber, since);
  }

  /** Reopens a call for a new carrier leg; remembers when the leg began (for the recap). */
  async #newLeg(callId: string, carrier: Carrier, direction: Call['direction'], connectionId?: string): Promise<Call> {
    const at = new Date(this.#d.now()).toISOString();
    await this.#d.cache.set(legKey(callId), at, LEG_TTL_SEC);
    return this.#d.store.mutate(callId, (c) => {
      const { connection_id: _old, ...rest } = c;
      // The analysis of the earlier legs is redone over the whole conversation when this leg ends.
      return { ...rest, in_progress: true, state: 'ringing', carrier, direction, synthesis: null, next: null, ...(connectionId === undefined ? {} : { connection_id: connectionId }) };
    });
  }
}

function legKey(callId: string): string {
  return `call_leg:${callId}`;
}
