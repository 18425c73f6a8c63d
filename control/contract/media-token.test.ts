import { describe, expect, it } from 'vitest';
import { signMediaToken, verifyMediaToken } from './media-token.ts';

const key = 'k'.repeat(32);
const callId = '0b8f3c1e-5d2a-4f6b-9a7c-1e2d3f4a5b6c';

describe('media token', () => {
  const token = signMediaToken(key, { callId, carrier: 'acs', expiresAtSec: 1000 });

  it('accepts a token for its own call and carrier before expiry', () => {
    expect(verifyMediaToken(key, token, { callId, carrier: 'acs' }, 999)).toEqual({
      ok: true,
      claims: { callId, carrier: 'acs', expiresAtSec: 1000 },
    });
  });

  it.each([
    ['expired', token, { callId, carrier: 'acs' as const }, 1001, 'expired'],
    ['another call', token, { callId: 'x', carrier: 'acs' as const }, 0, 'wrong_call'],
    ['another carrier', token, { callId, carrier: 'twilio' as const }, 0, 'wrong_carrier'],
    ['tampered', `${token.slice(0, -2)}AA`, { callId, carrier: 'acs' as const }, 0, 'bad_signature'],
    ['garbage', 'nodot', { callId, carrier: 'acs' as const }, 0, 'malformed'],
  ])('refuses %s', (_name, t, expected, now, problem) => {
    expect(verifyMediaToken(key, t, expected, now)).toEqual({ ok: false, problem });
  });

  it('refuses a token signed with another key', () => {
    const other = signMediaToken('other-key', { callId, carrier: 'acs', expiresAtSec: 1000 });
    expect(verifyMediaToken(key, other, { callId, carrier: 'acs' }, 0)).toEqual({ ok: false, problem: 'bad_signature' });
  });
});
