import { describe, expect, it } from 'vitest';
import { loadConfig, CallInitiate } from '../contract/index.ts';
import { canonicalJson, inboundInitiate, newCall, withDefaults } from './call-factory.ts';

const config = loadConfig({ file: '/dev/null', env: {} });

describe('call defaults', () => {
  it('puts the three caller fields first unless the request defines them', () => {
    const initiate = withDefaults(CallInitiate.parse({ phone_number: '+33612345678', bot_company: 'C', bot_name: 'B', claim: [{ name: 'policyholder_email', type: 'text' }, { name: 'plate', type: 'text' }] }), config);
    expect(initiate.claim).toEqual([
      { name: 'policyholder_name', type: 'text', description: 'Full name of the caller' },
      { name: 'policyholder_phone', type: 'phone_number', description: 'Phone number of the caller' },
      { name: 'policyholder_email', type: 'text' },
      { name: 'plate', type: 'text' },
    ]);
    expect(initiate.lang?.default_short_code).toBe('en-US');
    expect(CallInitiate.safeParse(initiate).success).toBe(true);
  });

  it('builds inbound calls from the configured initiate, with the caller number filled in', () => {
    const initiate = inboundInitiate(config, '+33612345678');
    const call = newCall({ initiate, carrier: 'softphone', direction: 'inbound', nowMs: Date.parse('2026-01-01T00:00:00Z') });
    expect(call).toMatchObject({ state: 'ringing', in_progress: true, revision: 0, created_at: '2026-01-01T00:00:00.000Z', lang_short_code: 'en-US' });
    expect(call.claim).toEqual({ policyholder_name: null, policyholder_email: null, policyholder_phone: '+33612345678' });
  });

  it('compares requests independently of key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }));
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
  });
});
