import { Hono } from 'hono';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { apiKeyAuth, matchesSecret, presentedKey, serviceTokenAuth } from './auth.ts';
import { errorHandler } from './errors.ts';

function app(mw: ReturnType<typeof apiKeyAuth>) {
  const a = new Hono();
  a.onError(errorHandler(pino({ level: 'silent' })));
  a.use('*', mw);
  a.get('/x', (c) => c.text('ok'));
  return a;
}

describe('secrets', () => {
  it('matches any accepted secret, never an empty or different one', () => {
    expect(matchesSecret('k2', ['k1', 'k2'])).toBe(true);
    expect(matchesSecret('k3', ['k1', 'k2'])).toBe(false);
    expect(matchesSecret('', [''])).toBe(false);
    expect(matchesSecret(undefined, ['k1'])).toBe(false);
    expect(matchesSecret('k1-longer', ['k1'])).toBe(false);
  });

  it('reads X-API-Key or a bearer token', () => {
    expect(presentedKey((n) => ({ 'x-api-key': 'a' })[n])).toBe('a');
    expect(presentedKey((n) => ({ authorization: 'Bearer b' })[n])).toBe('b');
    expect(presentedKey((n) => ({ authorization: 'Basic b' })[n])).toBeUndefined();
  });
});

describe('middlewares', () => {
  it('API key: refuses without it, with the envelope; lets everything through with no key configured', async () => {
    const guarded = app(apiKeyAuth(['secret-key']));
    const refused = await guarded.request('/x');
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: { message: 'missing or invalid API key', details: ['send it as X-API-Key or Authorization: Bearer'] } });
    expect((await guarded.request('/x', { headers: { authorization: 'Bearer secret-key' } })).status).toBe(200);
    expect((await app(apiKeyAuth([])).request('/x')).status).toBe(200);
  });

  it('service token: refuses everything when none is configured', async () => {
    expect((await app(serviceTokenAuth(undefined)).request('/x', { headers: { authorization: 'Bearer anything' } })).status).toBe(401);
    expect((await app(serviceTokenAuth('t'.repeat(32))).request('/x', { headers: { authorization: `Bearer ${'t'.repeat(32)}` } })).status).toBe(200);
  });
});
