import { afterEach, describe, expect, it } from 'vitest';
import { EchoPath, PlayoutBuffer } from './audio.ts';
import { audioDataMessage, decodeAgentMessage } from './acs-protocol.ts';
import { runCaller, type CallerUtterance } from './caller.ts';
import { FramePacer } from './pacer.ts';
import { startTestAgent, type TestAgent } from './test-agent.ts';

function burst(text: string, ms: number): CallerUtterance {
  const pcm = new Int16Array((ms / 1000) * 16_000);
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(10_000 * Math.sin((2 * Math.PI * 300 * i) / 16_000)) || 1;
  return { text, pcm };
}

describe('acs protocol', () => {
  it('round-trips a frame and accepts both casings of the outbound kinds', () => {
    const frame = Int16Array.from({ length: 320 }, (_, i) => i * 100 - 16_000);
    const inbound = JSON.parse(audioDataMessage(frame, '8:acs:x', '2024-01-01T00:00:00.000Z')) as { kind: string; audioData: { data: string; silent: boolean } };
    expect(inbound.kind).toBe('AudioData');
    expect(inbound.audioData.silent).toBe(false);
    const out = decodeAgentMessage(JSON.stringify({ kind: 'audioData', audioData: { data: inbound.audioData.data } }));
    expect(out.kind === 'audio' && Array.from(out.pcm)).toEqual(Array.from(frame));
    expect(decodeAgentMessage('{"kind":"StopAudio","stopAudio":{}}')).toEqual({ kind: 'stop' });
    expect(decodeAgentMessage('{"kind":"stopAudio","stopAudio":{}}')).toEqual({ kind: 'stop' });
    expect(() => decodeAgentMessage('not json')).toThrow(/not JSON/);
    expect(() => decodeAgentMessage('{"kind":"AudioData","audioData":{}}')).toThrow(/audioData.data/);
  });

  it('reads the SDK-shaped AudioData in place and anything near it through the parser', () => {
    const frame = Int16Array.from({ length: 320 }, (_, i) => (i * 211) % 30_000 - 15_000);
    const data = Buffer.from(frame.buffer).toString('base64');
    const sdk = `{"kind":"audioData","audioData":{"data":"${data}","isSilent":false},"stopAudio":{}}`;
    const reordered = JSON.stringify({ audioData: { isSilent: false, data }, kind: 'audioData' });
    for (const m of [sdk, reordered]) {
      const out = decodeAgentMessage(m);
      expect(out.kind === 'audio' && Array.from(out.pcm)).toEqual(Array.from(frame));
    }
    // Same head and tail but a JSON escape inside (`\/` is `/`): read through the parser, not as raw bytes.
    const escaped = decodeAgentMessage('{"kind":"audioData","audioData":{"data":"AQ\\/A","isSilent":false},"stopAudio":{}}');
    expect(escaped.kind === 'audio' && Array.from(escaped.pcm)).toEqual([Buffer.from('AQ/A', 'base64').readInt16LE(0)]);
    const odd = decodeAgentMessage(`{"kind":"audioData","audioData":{"data":"${Buffer.from([1, 0, 2]).toString('base64')}","isSilent":false},"stopAudio":{}}`);
    expect(odd.kind === 'audio' && Array.from(odd.pcm)).toEqual([1]);
  });
});

describe('audio paths', () => {
  it('plays out in order, drops the oldest on overflow and clears on StopAudio', () => {
    const b = new PlayoutBuffer(8);
    b.write(Int16Array.from([1, 2, 3, 4, 5, 6]));
    b.write(Int16Array.from([7, 8, 9, 10]));
    expect(b.dropped).toBe(2);
    const out = new Int16Array(5);
    expect(b.read(out)).toBe(5);
    expect(Array.from(out)).toEqual([3, 4, 5, 6, 7]);
    expect(b.read(out)).toBe(3);
    expect(Array.from(out)).toEqual([8, 9, 10, 0, 0]);
    b.write(Int16Array.from([1, 1]));
    b.clear();
    expect(b.size).toBe(0);
  });

  it('echoes the speaker into the microphone after the delay, 20 dB down', () => {
    const echo = new EchoPath(80, 20, 4, 100); // 80 ms at 100 Hz: two frames of 4 samples
    const mic = new Int16Array(4);
    const speaker = Int16Array.from([1000, 1000, 1000, 1000]);
    const silent = new Int16Array(4);
    echo.process(speaker, mic);
    expect(Array.from(mic)).toEqual([0, 0, 0, 0]);
    echo.process(silent, mic);
    expect(Array.from(mic)).toEqual([0, 0, 0, 0]);
    echo.process(silent, mic);
    expect(Array.from(mic)).toEqual([100, 100, 100, 100]);
  });
});

let agent: TestAgent | undefined;
afterEach(() => agent?.close());

describe('runCaller against a test agent', () => {
  it('measures answer latency from the end of speech, barges in, and echoes the agent', async () => {
    agent = await startTestAgent({ answerMs: 1500, hangoverMs: 200, thinkMs: 100 });
    const pacer = new FramePacer();
    const spoken: string[] = [];
    const report = await runCaller({
      url: `ws://127.0.0.1:${agent.port}/media/acs/call-1?token=t`,
      callId: 'call-1',
      utterances: [burst('first turn', 600), burst('second turn', 500), burst('third turn', 400)],
      pacer,
      durationMs: 9000,
      bargeInProbability: 1,
      bargeInAfterMs: 400,
      thinkMs: [200, 200],
      onTranscript: (_id, text) => spoken.push(text),
    });
    pacer.close();
    expect(report.connectError).toBeUndefined();
    expect(report.protocolErrors).toBe(0);
    expect(report.closedEarly).toBe(false);
    expect(report.framesSent).toBeGreaterThan(300);
    // Announced before the call, then after each utterance: always the one coming next.
    expect(spoken.slice(0, 3)).toEqual(['first turn', 'second turn', 'third turn']);

    const answered = report.turns.filter((t) => t.answerLatencyMs !== undefined);
    expect(answered.length).toBeGreaterThanOrEqual(2);
    for (const t of answered) {
      // The agent answers 200 ms (hangover) + 100 ms after the end of speech; frames add up to 40 ms.
      expect(t.answerLatencyMs!).toBeGreaterThan(280);
      expect(t.answerLatencyMs!).toBeLessThan(1500);
    }
    // Every turn after the first interrupts the answer: the agent stops at the 3rd loud frame.
    const barges = report.turns.filter((t) => t.bargeIn);
    expect(barges.length).toBeGreaterThanOrEqual(1);
    for (const t of barges) {
      expect(t.bargeInLatencyMs!).toBeGreaterThan(40);
      expect(t.bargeInLatencyMs!).toBeLessThan(1500);
    }
    expect(report.falseBargeIns).toBe(0);
    expect(report.stopAudios).toBe(agent.stops.length);

    // While the agent played and the caller was silent, the agent heard its own audio ~20 dB down.
    const echoes = agent.heard.filter((h) => h.agentPlaying && h.rms > 50 && h.rms < 2000);
    expect(echoes.length).toBeGreaterThan(10);
    const toneRms = 8000 / Math.SQRT2;
    const medianEcho = echoes.map((e) => e.rms).sort((a, b) => a - b)[Math.floor(echoes.length / 2)]!;
    expect(20 * Math.log10(toneRms / medianEcho)).toBeCloseTo(20, 0);
  }, 30_000);

  it('does not take agent audio that arrives during the silence wait for an answer', async () => {
    agent = await startTestAgent({ answerMs: 800, hangoverMs: 200, thinkMs: 0 });
    const pacer = new FramePacer();
    const report = await runCaller({
      url: `ws://127.0.0.1:${agent.port}/media/acs/call-2?token=t`,
      callId: 'call-2',
      utterances: [burst('only turn', 500)],
      pacer,
      durationMs: 6000,
      bargeInProbability: 0,
      // The agent answers ~200 ms after the end of speech: sooner than this gateway could.
      minAnswerMs: 1000,
    });
    pacer.close();
    expect(report.turns.length).toBeGreaterThanOrEqual(1);
    for (const t of report.turns.filter((x) => Number.isFinite(x.speechEndAt))) {
      expect(t.overlapped).toBe(true);
      expect(t.answerLatencyMs).toBeUndefined();
    }
  }, 30_000);

  it('reports a refused connection instead of throwing', async () => {
    const pacer = new FramePacer();
    const report = await runCaller({ url: 'ws://127.0.0.1:1/media/acs/x', callId: 'x', utterances: [burst('a', 100)], pacer, durationMs: 1000 });
    pacer.close();
    expect(report.connectError).toMatch(/cannot connect/);
    expect(report.turns).toHaveLength(0);
  });
});
