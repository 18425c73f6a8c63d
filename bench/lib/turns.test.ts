import { describe, expect, it } from 'vitest';
import type { CallerReport, TurnRecord } from '../callers/caller.ts';
import { aggregateTurns } from './turns.ts';

function report(callId: string, turns: Array<Partial<TurnRecord>>, extra: Partial<CallerReport> = {}): CallerReport {
  return {
    callId,
    turns: turns.map((t, i) => ({ callId, turn: i, text: 't', speechMs: 1000, bargeIn: false, speechEndAt: 1000 * i, ...t })),
    framesSent: 100,
    agentFrames: 10,
    agentAudioMs: 200,
    stopAudios: 0,
    falseBargeIns: 0,
    unanswered: 0,
    playoutDropped: 0,
    protocolErrors: 0,
    closedEarly: false,
    ...extra,
  };
}

describe('aggregateTurns', () => {
  it('measures answered turns against the floor and counts barge-ins', () => {
    const agg = aggregateTurns(
      [
        report('a', [{ answerLatencyMs: 1200 }, { answerLatencyMs: 1000, bargeIn: true, bargeInLatencyMs: 300 }, { speechEndAt: Number.NaN }, { overlapped: true }]),
        report('b', [{ bargeIn: true }], { unanswered: 1, falseBargeIns: 2, closedEarly: true }),
        report('c', [], { connectError: 'upgrade refused: HTTP/1.1 503' }),
        report('d', [], { connectError: 'upgrade refused: HTTP/1.1 503' }),
      ],
      1000,
    );
    expect(agg.calls).toBe(4);
    expect(agg.connected).toBe(2);
    expect(agg.connectErrors).toEqual({ 'upgrade refused: HTTP/1.1 503': 2 });
    // The turn cut before its speech ended is not a turn.
    expect(agg.turns).toBe(4);
    expect(agg.overlapped).toBe(1);
    expect(agg.answered).toBe(2);
    expect(agg.overheadMs).toEqual([200, 0]);
    expect(agg.ratioToFloor).toEqual([1.2, 1]);
    expect(agg.bargeInAttempts).toBe(2);
    expect(agg.bargeInLatencyMs).toEqual([300]);
    expect(agg.bargeInMissed).toBe(1);
    expect(agg.unanswered).toBe(1);
    expect(agg.falseBargeIns).toBe(2);
    expect(agg.closedEarly).toBe(1);
    expect(agg.framesSent).toBe(200);
  });
});
