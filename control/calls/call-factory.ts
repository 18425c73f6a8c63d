/**
 * Building new calls: defaults applied to `initiate` (the three caller claim fields, the
 * configured languages) and an empty call record around it.
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_CLAIM_FIELDS, type Call, type CallInitiate, type CallLanguages, type Carrier, type Config } from '../contract/index.ts';
import { emptyClaim } from '../store/index.ts';

/**
 * `initiate` with defaults applied: the policyholder fields first (unless the request defines
 * them itself) and, without `lang`, the configured languages.
 */
export function withDefaults(initiate: CallInitiate, config: Config): CallInitiate {
  const names = new Set(initiate.claim.map((f) => f.name));
  const claim = [...DEFAULT_CLAIM_FIELDS.filter((f) => !names.has(f.name)).map((f) => ({ ...f })), ...initiate.claim];
  return { ...initiate, claim, lang: initiate.lang ?? configuredLanguages(config) };
}

/** The languages of `conversation` as a call's `lang`. */
export function configuredLanguages(config: Config): CallLanguages {
  const availables = config.conversation.languages.map((l) => ({ ...l, pronunciations_en: [...l.pronunciations_en] }));
  const wanted = config.conversation.default_lang;
  const fallback = availables[0]?.short_code ?? wanted;
  return { default_short_code: availables.some((l) => l.short_code === wanted) ? wanted : fallback, availables };
}

/** The `initiate` of an inbound call from `phoneNumber`: configuration's default with defaults applied. */
export function inboundInitiate(config: Config, phoneNumber: string): CallInitiate {
  const base = structuredClone(config.conversation.inbound_initiate) as Omit<CallInitiate, 'phone_number'>;
  return withDefaults({ ...base, phone_number: phoneNumber }, config);
}

/** A new call record (revision 0), ringing. */
export function newCall(options: { initiate: CallInitiate; carrier: Carrier; direction: Call['direction']; nowMs: number; connectionId?: string }): Call {
  const at = new Date(options.nowMs).toISOString();
  const call: Call = {
    call_id: randomUUID(),
    created_at: at,
    updated_at: at,
    in_progress: true,
    carrier: options.carrier,
    state: 'ringing',
    direction: options.direction,
    initiate: options.initiate,
    claim: {},
    messages: [],
    reminders: [],
    synthesis: null,
    next: null,
    turns: [],
    applied_event_ids: [],
    revision: 0,
  };
  call.claim = emptyClaim(call);
  call.claim.policyholder_phone = options.initiate.phone_number;
  const lang = options.initiate.lang?.default_short_code;
  if (lang !== undefined) call.lang_short_code = lang;
  if (options.connectionId !== undefined) call.connection_id = options.connectionId;
  return call;
}

/** Deterministic JSON (sorted keys): two `initiate`s are "identical" when these are equal. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}
