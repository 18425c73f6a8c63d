/**
 * The behaviour every {@link CallStore} must have, as a vitest suite. Each implementation's test
 * file calls {@link describeCallStoreContract} with a factory giving a fresh, empty store.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Call, ConversationEvent, Message } from '../contract/index.ts';
import { ConcurrencyError, NotFoundError, type CallStore } from './types.ts';
import { InvalidCallError } from './validate.ts';

/** A valid call for `phone`, created at `createdAt`. */
export function sampleCall(phone: string, createdAt: string, overrides: Partial<Call> = {}): Call {
  return {
    call_id: randomUUID(),
    created_at: createdAt,
    updated_at: createdAt,
    in_progress: true,
    carrier: 'softphone',
    state: 'ringing',
    direction: 'outbound',
    initiate: {
      phone_number: phone,
      bot_company: 'Contoso',
      bot_name: 'Amélie',
      claim: [{ name: 'counter', type: 'text' }],
      prosody_rate: 1,
    },
    claim: { policyholder_name: null, policyholder_email: null, policyholder_phone: null, counter: '0' },
    messages: [],
    reminders: [],
    synthesis: null,
    next: null,
    turns: [],
    applied_event_ids: [],
    revision: 0,
    ...overrides,
  };
}

function message(content: string, createdAt: string): Message {
  return { created_at: createdAt, persona: 'human', action: 'talk', content, style: 'none', tool_calls: [] };
}

/** Registers the contract tests for a store implementation. */
export function describeCallStoreContract(name: string, factory: () => Promise<CallStore>): void {
  describe(`CallStore contract: ${name}`, () => {
    let store: CallStore;
    beforeEach(async () => {
      store = await factory();
    });
    afterEach(async () => {
      await store.close();
    });

    it('creates and gets a call, at revision 0', async () => {
      const call = sampleCall('+33612345678', '2026-01-01T10:00:00.000Z', { revision: 7 });
      const created = await store.create(call);
      expect(created.revision).toBe(0);
      expect(await store.get(call.call_id)).toEqual({ ...call, revision: 0 });
    });

    it('returns undefined for an unknown call and NotFoundError when mutating one', async () => {
      const id = randomUUID();
      expect(await store.get(id)).toBeUndefined();
      await expect(store.mutate(id, (c) => c)).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.appendEvents(id, [])).rejects.toBeInstanceOf(NotFoundError);
    });

    it('refuses a malformed call with every problem listed', async () => {
      const bad = { ...sampleCall('+33612345678', '2026-01-01T10:00:00.000Z'), call_id: 'nope', state: 'flying' } as unknown as Call;
      const err = await store.create(bad).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidCallError);
      expect((err as InvalidCallError).details.join('\n')).toMatch(/call_id[\s\S]*state|state[\s\S]*call_id/);
    });

    it('finds the latest call of a number within a window, by caller or policyholder phone', async () => {
      const a = '+33611111111';
      const b = '+33622222222';
      const old = await store.create(sampleCall(a, '2026-01-01T08:00:00.000Z'));
      const recent = await store.create(sampleCall(a, '2026-01-01T10:00:00.000Z'));
      await store.create(sampleCall(b, '2026-01-01T11:00:00.000Z'));
      // An offset timestamp: 09:30+02:00 is 07:30Z, older than `old`.
      await store.create(sampleCall(a, '2026-01-01T09:30:00.000+02:00'));
      expect((await store.latestByPhone(a))?.call_id).toBe(recent.call_id);
      expect((await store.latestByPhone(a, '2026-01-01T09:00:00.000Z'))?.call_id).toBe(recent.call_id);
      expect(await store.latestByPhone(a, '2026-01-01T10:30:00.000Z')).toBeUndefined();
      expect(await store.latestByPhone('+33699999999')).toBeUndefined();

      // The caller gave another number as theirs: the call is found by that number too.
      const c = '+33633333333';
      await store.mutate(old.call_id, (call) => ({ ...call, claim: { ...call.claim, policyholder_phone: c } }));
      expect((await store.latestByPhone(c))?.call_id).toBe(old.call_id);
      expect((await store.latestByPhone(c, '2026-01-01T07:00:00.000Z'))?.call_id).toBe(old.call_id);
      expect(await store.latestByPhone(c, '2026-01-01T09:00:00.000Z')).toBeUndefined();
      // Caller number and policyholder number both match; the newest wins.
      const later = await store.create(sampleCall(c, '2026-01-01T12:00:00.000Z'));
      expect((await store.latestByPhone(c))?.call_id).toBe(later.call_id);
      expect((await store.list({ phoneNumber: c, limit: 10 })).map((x) => x.call_id)).toEqual([later.call_id, old.call_id]);
    });

    it('lists newest first, with a limit and a phone filter', async () => {
      const a = '+33611111111';
      const b = '+33622222222';
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const c = await store.create(sampleCall(i % 2 === 0 ? a : b, `2026-01-01T10:0${i}:00.000Z`));
        ids.push(c.call_id);
      }
      expect((await store.list({ limit: 10 })).map((c) => c.call_id)).toEqual([...ids].reverse());
      expect((await store.list({ limit: 2 })).map((c) => c.call_id)).toEqual([ids[4], ids[3]]);
      expect((await store.list({ phoneNumber: a, limit: 10 })).map((c) => c.call_id)).toEqual([ids[4], ids[2], ids[0]]);
      expect((await store.list({ phoneNumber: b, limit: 1 })).map((c) => c.call_id)).toEqual([ids[3]]);
      expect(await store.list({ phoneNumber: '+33699999999', limit: 10 })).toEqual([]);
    });

    it('bumps the revision on update and refuses a stale one', async () => {
      const created = await store.create(sampleCall('+33612345678', '2026-01-01T10:00:00.000Z'));
      const first = await store.update({ ...created, in_progress: false });
      expect(first.revision).toBe(1);
      expect((await store.get(created.call_id))?.in_progress).toBe(false);
      // Someone else still holds revision 0.
      await expect(store.update({ ...created, lang_short_code: 'fr-FR' })).rejects.toBeInstanceOf(ConcurrencyError);
      const stored = await store.get(created.call_id);
      expect(stored?.revision).toBe(1);
      expect(stored?.lang_short_code).toBeUndefined();
      expect((await store.update(first)).revision).toBe(2);
    });

    it('loses no update when 20 writers mutate the same call at once', async () => {
      const created = await store.create(sampleCall('+33612345678', '2026-01-01T10:00:00.000Z'));
      const writers = Array.from({ length: 20 }, (_, i) =>
        store.mutate(created.call_id, (c) => ({
          ...c,
          claim: { ...c.claim, counter: String(Number(c.claim.counter) + 1) },
          messages: [...c.messages, message(`writer ${i}`, '2026-01-01T10:00:01.000Z')],
        })),
      );
      await Promise.all(writers);
      const final = await store.get(created.call_id);
      expect(final?.claim.counter).toBe('20');
      expect(final?.revision).toBe(20);
      expect(new Set(final?.messages.map((m) => m.content))).toEqual(new Set(Array.from({ length: 20 }, (_, i) => `writer ${i}`)));
    });

    it('applies events once: re-delivery changes nothing', async () => {
      const created = await store.create(sampleCall('+33612345678', '2026-01-01T10:00:00.000Z'));
      const events: ConversationEvent[] = [
        { event_id: 'e1', at: '2026-01-01T10:00:01.000Z', type: 'call_connected' },
        { event_id: 'e2', at: '2026-01-01T10:00:02.000Z', type: 'message_added', message: message('hello', '2026-01-01T10:00:02.000Z') },
        { event_id: 'e3', at: '2026-01-01T10:00:03.000Z', type: 'claim_updated', updates: { policyholder_name: 'Ada' } },
      ];
      const once = await store.appendEvents(created.call_id, events);
      expect(once.state).toBe('connected');
      expect(once.messages.map((m) => m.content)).toEqual(['hello']);
      expect(once.claim.policyholder_name).toBe('Ada');
      expect(once.applied_event_ids).toEqual(['e1', 'e2', 'e3']);
      expect(once.revision).toBe(1);

      const again = await store.appendEvents(created.call_id, events);
      expect(again).toEqual(once);
      expect(await store.get(created.call_id)).toEqual(once);

      // A batch mixing old and new ids applies only the new ones.
      const more = await store.appendEvents(created.call_id, [
        events[1]!,
        { event_id: 'e4', at: '2026-01-01T10:00:04.000Z', type: 'message_added', message: message('bye', '2026-01-01T10:00:04.000Z') },
      ]);
      expect(more.messages.map((m) => m.content)).toEqual(['hello', 'bye']);
      expect(more.revision).toBe(2);
    });

    it('answers ping and closes idempotently', async () => {
      await store.ping();
      await store.close();
      await store.close();
      store = await factory();
    });
  });
}
