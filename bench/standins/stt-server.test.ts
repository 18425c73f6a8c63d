import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startSttStandin, STT_FRAME, type SttStandin } from './stt-server.ts';

let stt: SttStandin | undefined;
afterEach(async () => {
  await stt?.close();
  stt = undefined;
});

function frame(kind: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head[0] = kind;
  head.writeUInt32LE(payload.length, 1);
  return Buffer.concat([head, payload]);
}

/** Opens a session and collects its NDJSON messages; the request body stays open for writing. */
function open(url: string, query: string) {
  const messages: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  const req = request(`${url}/v1/recognize?${query}`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' } });
  const done = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (s: string) => {
        buf += s;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          messages.push(JSON.parse(buf.slice(0, nl)) as Record<string, unknown>);
          buf = buf.slice(nl + 1);
          for (const w of waiters.splice(0)) w();
        }
      });
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
  req.flushHeaders();
  const until = async (pred: (m: Record<string, unknown>) => boolean) => {
    while (!messages.some(pred)) await new Promise<void>((r) => waiters.push(r));
    return messages.find(pred)!;
  };
  const audio = (ms: number) => req.write(frame(STT_FRAME.audio, Buffer.alloc(32 * ms, 1)));
  const control = (msg: object) => req.write(frame(STT_FRAME.control, Buffer.from(JSON.stringify(msg))));
  return { req, messages, done, until, audio, control };
}

describe('STT stand-in', () => {
  it('streams partials while audio flows and a final after the utterance ends, full duplex', async () => {
    stt = await startSttStandin({ transcript: (u) => (u.index === 0 ? 'I lost my phone yesterday' : 'my name is Jane'), finalDelayMs: 20 });
    const s = open(stt.url, 'lang=en-US&call_id=abc');
    await s.until((m) => m.type === 'ready');
    for (let i = 0; i < 25; i++) s.audio(20);
    // Partials grow with the audio: one word per 250 ms.
    const partial = await s.until((m) => m.type === 'partial' && String(m.text).split(' ').length >= 2);
    expect(String(partial.text)).toMatch(/^I lost/);
    expect(s.messages.find((m) => m.type === 'partial')?.text).toBe('I');
    s.control({ type: 'end' });
    const final = await s.until((m) => m.type === 'final' && m.utterance === 0);
    expect(final.text).toBe('I lost my phone yesterday');
    expect(final.audio_ms).toBe(500);
    s.control({ type: 'lang', lang: 'fr-FR' });
    s.audio(200);
    s.control({ type: 'end' });
    s.req.end();
    expect(await s.done).toBe(200);
    const last = s.messages.filter((m) => m.type === 'final');
    expect(last.map((m) => m.text)).toEqual(['I lost my phone yesterday', 'my name is Jane']);
    expect(stt.sessions[0]?.callId).toBe('abc');
    expect(stt.sessions[0]?.langs).toEqual(['en-US', 'fr-FR']);
    expect(stt.sessions[0]?.utterances[1]?.lang).toBe('fr-FR');
    expect(stt.sessions[0]?.ended).toBe(true);
  });

  it('takes the text of an utterance at its first voiced audio: silence neither calls the script nor makes partials', async () => {
    const calls: number[] = [];
    stt = await startSttStandin({ finalDelayMs: 1, transcript: (u) => (calls.push(u.index), 'spoken words here') });
    const s = open(stt.url, 'lang=en-US');
    s.req.write(frame(STT_FRAME.audio, Buffer.alloc(32 * 600))); // 600 ms of digital silence
    s.control({ type: 'end' });
    await s.until((m) => m.type === 'final' && m.utterance === 0);
    expect(calls).toEqual([]);
    expect(s.messages.some((m) => m.type === 'partial')).toBe(false);
    s.req.write(frame(STT_FRAME.audio, Buffer.alloc(32 * 400)));
    s.audio(300);
    const partial = await s.until((m) => m.type === 'partial');
    expect(partial.utterance).toBe(1);
    s.control({ type: 'end' });
    const final = await s.until((m) => m.type === 'final' && m.utterance === 1);
    expect(final.text).toBe('spoken words here');
    expect(calls).toEqual([1]);
    expect(s.messages.filter((m) => m.type === 'final').map((m) => m.text)).toEqual(['', 'spoken words here']);
    s.req.end();
    await s.done;
  });

  it('uses the hint the client sends when no transcript function is set', async () => {
    stt = await startSttStandin({ finalDelayMs: 1 });
    const s = open(stt.url, 'lang=en-US');
    s.control({ type: 'hint', text: 'hello world' });
    s.audio(100);
    s.control({ type: 'end' });
    const final = await s.until((m) => m.type === 'final');
    expect(final.text).toBe('hello world');
    s.req.end();
    await s.done;
  });

  it('refuses a bad frame with an error message and ends the session', async () => {
    stt = await startSttStandin();
    const s = open(stt.url, '');
    s.req.write(frame(9, Buffer.from('x')));
    const err = await s.until((m) => m.type === 'error');
    expect(String(err.message)).toContain('unknown frame kind');
    await s.done.catch(() => 0);
    expect(stt.sessions[0]?.ended).toBe(true);
  });
});
