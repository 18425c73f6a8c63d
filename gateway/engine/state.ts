/**
 * What the engine knows of the conversation: claim fields and values, reminders, messages (as
 * heard), the current language and speaking rate. Changed only through methods that also emit
 * the matching conversation event, so persistence cannot be forgotten.
 */
import {
  DEFAULT_CLAIM_FIELDS,
  type CallContext,
  type ClaimField,
  type ClaimValues,
  type LanguageEntry,
  type Message,
  type Reminder,
} from '../../control/contract/index.ts';
import type { EventLog } from './event-log.ts';

export class ConversationState {
  readonly fields: readonly ClaimField[];
  readonly claim: ClaimValues;
  readonly reminders: Reminder[];
  readonly messages: Message[];
  /** Messages kept for the record but left out of the model's context (moderation). */
  readonly excluded = new WeakSet<Message>();
  lang: LanguageEntry;
  rate: number;
  /** Human messages so far; `end_call` confirmation compares against it. */
  humanTurns = 0;
  /** `humanTurns` when the model first asked to end the call, awaiting the caller's confirmation. */
  endCallAskedAt: number | undefined;

  constructor(
    context: CallContext,
    lang: LanguageEntry,
    readonly events: EventLog,
    readonly wallClock: () => Date,
  ) {
    const own = context.initiate.claim;
    this.fields = [...DEFAULT_CLAIM_FIELDS.filter((d) => !own.some((f) => f.name === d.name)), ...own];
    this.claim = Object.fromEntries(this.fields.map((f) => [f.name, context.claim[f.name] ?? null]));
    this.reminders = context.reminders.map((r) => ({ ...r }));
    this.messages = context.messages.map((m) => ({ ...m }));
    this.humanTurns = this.messages.filter((m) => m.persona === 'human').length;
    this.lang = lang;
    this.rate = context.initiate.prosody_rate;
  }

  /** ISO time now (wall clock: messages and reminders carry real dates). */
  nowIso(): string {
    return this.wallClock().toISOString();
  }

  /** Adds a message to the history and persists it. */
  addMessage(eventId: string, message: Omit<Message, 'created_at' | 'lang_short_code'> & { created_at?: string }, options: { excluded?: boolean } = {}): Message {
    const full: Message = { created_at: this.nowIso(), lang_short_code: this.lang.short_code, ...message };
    this.messages.push(full);
    if (full.persona === 'human') this.humanTurns++;
    if (options.excluded) this.excluded.add(full);
    this.events.post({ event_id: eventId, type: 'message_added', message: full });
    return full;
  }

  /** Applies validated claim values. */
  updateClaim(eventId: string, updates: Readonly<Record<string, string | null>>): void {
    Object.assign(this.claim, updates);
    this.events.post({ event_id: eventId, type: 'claim_updated', updates: { ...updates } });
  }

  /** Empties every claim field (`new_claim`). */
  resetClaim(eventId: string): void {
    for (const f of this.fields) this.claim[f.name] = null;
    this.events.post({ event_id: eventId, type: 'claim_reset' });
  }

  /** Inserts or replaces the reminder with the same title. */
  upsertReminder(eventId: string, reminder: Omit<Reminder, 'created_at'>): Reminder {
    const index = this.reminders.findIndex((r) => r.title.toLowerCase() === reminder.title.toLowerCase());
    const existing = index >= 0 ? this.reminders[index] : undefined;
    const full: Reminder = { ...reminder, title: existing?.title ?? reminder.title, created_at: existing?.created_at ?? this.nowIso() };
    if (index >= 0) this.reminders[index] = full;
    else this.reminders.push(full);
    this.events.post({ event_id: eventId, type: 'reminder_upserted', reminder: full });
    return full;
  }

  /** Switches language (voice and recognition follow through the engine). */
  setLanguage(eventId: string, lang: LanguageEntry): void {
    this.lang = lang;
    this.events.post({ event_id: eventId, type: 'language_changed', lang_short_code: lang.short_code });
  }
}
