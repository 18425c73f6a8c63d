import { describe, expect, it } from 'vitest';
import type { TurnEvent } from '../call/engine-port.ts';
import { TurnMachine, type TurnSink } from './turn-machine.ts';

/** Drives a machine with one probability per 32 ms window; the call clock runs 1000 ms ahead of media time. */
function harness(opts = { threshold: 0.5, silenceTimeoutMs: 500, cutoffMs: 250 }) {
  const events: TurnEvent[] = [];
  const log: string[] = [];
  const segments: Array<[number, number]> = [];
  const sink: TurnSink = {
    emit: (e) => {
      events.push(e);
      log.push(e.type);
    },
    stopAgent: () => log.push('STOP'),
    segment: (a, b) => segments.push([a, b]),
  };
  const m = new TurnMachine(opts, sink);
  let media = 0;
  const feed = (probs: number[], gate = true) => {
    for (const p of probs) {
      media += 32;
      m.onWindow(p, media, media + 1000, gate);
    }
  };
  return { m, events, log, segments, feed, now: () => media + 1000 };
}

const speech = (n: number) => new Array<number>(n).fill(0.95);
const silence = (n: number) => new Array<number>(n).fill(0.02);

describe('TurnMachine', () => {
  it('speech, silence, end of turn after the silence timeout counted from the last voiced window', () => {
    const h = harness();
    h.feed(silence(5));
    h.feed(speech(10)); // media 160..480
    expect(h.m.state).toBe('user_speaking');
    h.feed(silence(3)); // 96 ms of silence ends speech
    expect(h.m.state).toBe('endpointing');
    const silenceStart = h.events.find((e) => e.type === 'silence_start');
    expect(silenceStart).toMatchObject({ lastVoicedMs: 1480 });
    h.feed(silence(10)); // media 896: 416 ms after the last voiced window
    expect(h.m.state).toBe('endpointing');
    h.feed(silence(3)); // 512 ms
    expect(h.events.at(-1)).toMatchObject({ type: 'turn_end', lastVoicedMs: 1480 });
    expect(h.events[0]).toEqual({ type: 'speech_start', atMs: 1160 });
    expect(h.segments).toEqual([[160, 480]]);
    expect(h.m.state).toBe('listening');
  });

  it('the timeout also fires from the clock when audio stops arriving', () => {
    const h = harness();
    h.feed(speech(5));
    h.feed(silence(3));
    h.m.tick(h.now() + 100);
    expect(h.log).not.toContain('turn_end');
    h.m.tick(1160 + 500);
    expect(h.log.at(-1)).toBe('turn_end');
  });

  it('speech resumed before the timeout continues the turn', () => {
    const h = harness();
    h.feed(speech(5));
    h.feed(silence(5));
    h.feed(speech(5));
    h.feed(silence(20));
    expect(h.log).toEqual(['speech_start', 'silence_start', 'speech_resumed', 'silence_start', 'turn_end']);
  });

  it('barges in when the caller talks over the agent for the cutoff, stopping the agent first', () => {
    const h = harness();
    h.m.setAgentSpeaking(true, h.now());
    expect(h.m.state).toBe('agent_speaking');
    h.feed(silence(3));
    h.feed(speech(7)); // 224 ms: not yet
    expect(h.log).toEqual([]);
    h.feed(speech(1)); // 256 ms ≥ 250
    expect(h.log).toEqual(['STOP', 'bargein', 'speech_start']);
    const bargein = h.events[0];
    expect(bargein).toMatchObject({ type: 'bargein', onsetMs: 96 + 1000 });
    expect(h.m.state).toBe('user_speaking');
    h.m.setAgentSpeaking(false, h.now()); // the pacer reports the stop afterwards: no change
    expect(h.m.state).toBe('user_speaking');
  });

  it('a pacer reporting "not speaking" from inside stopAgent does not start a second turn', () => {
    const events: string[] = [];
    let machine: TurnMachine | undefined;
    const m = new TurnMachine(
      { threshold: 0.5, silenceTimeoutMs: 500, cutoffMs: 100 },
      {
        emit: (e) => events.push(e.type),
        // The real pacer calls back synchronously when cleared.
        stopAgent: () => machine?.setAgentSpeaking(false, 0),
      },
    );
    machine = m;
    m.setAgentSpeaking(true, 0);
    for (let i = 1; i <= 6; i++) m.onWindow(0.9, i * 32, i * 32, true);
    expect(events).toEqual(['bargein', 'speech_start']);
  });

  it('a short backchannel or an echo the gate rejects does not barge in', () => {
    const h = harness();
    h.m.setAgentSpeaking(true, 0);
    h.feed(speech(4));
    h.feed(silence(4));
    h.feed(speech(20), false); // loud, but the echo canceller says it is our own voice
    expect(h.log).toEqual([]);
    expect(h.m.state).toBe('agent_speaking');
  });

  it('caller speech still going when the agent finishes becomes the caller turn', () => {
    const h = harness();
    h.m.setAgentSpeaking(true, 0);
    h.feed(speech(4)); // 128 ms, under the cutoff
    h.m.setAgentSpeaking(false, h.now());
    expect(h.m.state).toBe('user_speaking');
    expect(h.events[0]).toEqual({ type: 'speech_start', atMs: 1000 });
    h.m.dtmf('5', h.now());
    expect(h.events.at(-1)).toMatchObject({ type: 'dtmf', digit: '5' });
  });
});
