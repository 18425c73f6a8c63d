import { describe, expect, it } from 'vitest';
import { validateClaimValue } from './claim-validation.ts';
import { llmTools } from './definitions.ts';

const field = (type: 'text' | 'datetime' | 'email' | 'phone_number') => ({ name: 'f', type });

describe('claim value validation', () => {
  it('normalizes valid values per type', () => {
    expect(validateClaimValue(field('phone_number'), '+33 6.12-34 (56) 78')).toEqual({ ok: true, value: '+33612345678' });
    expect(validateClaimValue(field('phone_number'), '0033 6 12 34 56 78')).toEqual({ ok: true, value: '+33612345678' });
    expect(validateClaimValue(field('email'), ' Jane.Doe@Example.COM ')).toEqual({ ok: true, value: 'jane.doe@example.com' });
    expect(validateClaimValue(field('datetime'), '2026-01-14T21:30:00+01:00')).toEqual({ ok: true, value: '2026-01-14T20:30:00.000Z' });
    expect(validateClaimValue(field('text'), '  a note ')).toEqual({ ok: true, value: 'a note' });
    expect(validateClaimValue(field('email'), '')).toEqual({ ok: true, value: null });
    expect(validateClaimValue(field('text'), null)).toEqual({ ok: true, value: null });
  });

  it('explains bad values', () => {
    expect(validateClaimValue(field('phone_number'), '06 12 34 56 78')).toMatchObject({ ok: false, error: expect.stringContaining('E.164') });
    expect(validateClaimValue(field('email'), 'jane@localhost')).toMatchObject({ ok: false });
    expect(validateClaimValue(field('email'), 'jane at example dot com')).toMatchObject({ ok: false });
    expect(validateClaimValue(field('datetime'), 'yesterday evening')).toMatchObject({ ok: false, error: expect.stringContaining('ISO 8601') });
    expect(validateClaimValue(field('datetime'), '20260114')).toMatchObject({ ok: false });
    expect(validateClaimValue(field('text'), 'x'.repeat(1001))).toMatchObject({ ok: false });
  });

  it('describes every tool to the model with a JSON Schema object', () => {
    const tools = llmTools();
    expect(tools.map((t) => t.name).sort()).toEqual(
      ['end_call', 'new_claim', 'new_or_updated_reminder', 'notify_emergencies', 'search_document', 'send_sms', 'speech_lang', 'speech_speed', 'talk_to_human', 'updated_claim'].sort(),
    );
    for (const t of tools) {
      expect(t.parameters.type).toBe('object');
      expect(t.parameters).not.toHaveProperty('$schema');
      expect(t.description.length).toBeGreaterThan(10);
    }
    expect(JSON.stringify(tools.find((t) => t.name === 'notify_emergencies')?.parameters)).toContain('firefighters');
  });
});
