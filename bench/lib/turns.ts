/**
 * Aggregates what the synthetic callers measured: answer latency per turn, the gateway's share of
 * it above the configured floor, barge-in latency, and everything that went wrong.
 */
import type { CallerReport } from '../callers/caller.ts';

/** Every call's turns and counters, summed. */
export interface TurnAggregate {
  readonly calls: number;
  readonly connected: number;
  /** Distinct connection errors with how many calls hit each. */
  readonly connectErrors: Record<string, number>;
  /** Turns whose speech was fully sent. */
  readonly turns: number;
  readonly answered: number;
  readonly unanswered: number;
  /** Turns not measured: agent audio was already flowing when the caller stopped speaking. */
  readonly overlapped: number;
  /** Answer latency per answered turn (ms). */
  readonly answerLatencyMs: number[];
  /** Answer latency minus the floor (ms). */
  readonly overheadMs: number[];
  /** Answer latency divided by the floor. */
  readonly ratioToFloor: number[];
  readonly bargeInAttempts: number;
  /** Barge-ins that got `StopAudio`, and how fast (ms from speech onset). */
  readonly bargeInLatencyMs: number[];
  readonly bargeInMissed: number;
  readonly falseBargeIns: number;
  readonly closedEarly: number;
  readonly protocolErrors: number;
  readonly playoutDroppedMs: number;
  readonly framesSent: number;
}

/**
 * Sums caller reports against a latency floor.
 * @example aggregateTurns(reports, 1170).overheadMs // latency − 1170 per answered turn
 */
export function aggregateTurns(reports: readonly CallerReport[], floorMs: number): TurnAggregate {
  const connectErrors: Record<string, number> = {};
  const answerLatencyMs: number[] = [];
  const bargeInLatencyMs: number[] = [];
  let turns = 0;
  let unanswered = 0;
  let overlapped = 0;
  let bargeInAttempts = 0;
  let bargeInMissed = 0;
  let falseBargeIns = 0;
  let closedEarly = 0;
  let protocolErrors = 0;
  let playoutDropped = 0;
  let framesSent = 0;
  for (const r of reports) {
    if (r.connectError !== undefined) {
      const key = r.connectError.slice(0, 160);
      connectErrors[key] = (connectErrors[key] ?? 0) + 1;
      continue;
    }
    for (const t of r.turns) {
      if (!Number.isFinite(t.speechEndAt)) continue;
      turns++;
      if (t.overlapped === true) overlapped++;
      if (t.answerLatencyMs !== undefined) answerLatencyMs.push(t.answerLatencyMs);
      if (t.bargeIn) {
        bargeInAttempts++;
        if (t.bargeInLatencyMs !== undefined) bargeInLatencyMs.push(t.bargeInLatencyMs);
        else bargeInMissed++;
      }
    }
    unanswered += r.unanswered;
    falseBargeIns += r.falseBargeIns;
    if (r.closedEarly) closedEarly++;
    protocolErrors += r.protocolErrors;
    playoutDropped += r.playoutDropped;
    framesSent += r.framesSent;
  }
  return {
    calls: reports.length,
    connected: reports.filter((r) => r.connectError === undefined).length,
    connectErrors,
    turns,
    answered: answerLatencyMs.length,
    unanswered,
    overlapped,
    answerLatencyMs,
    overheadMs: answerLatencyMs.map((l) => l - floorMs),
    ratioToFloor: answerLatencyMs.map((l) => l / floorMs),
    bargeInAttempts,
    bargeInLatencyMs,
    bargeInMissed,
    falseBargeIns,
    closedEarly,
    protocolErrors,
    playoutDroppedMs: playoutDropped / 16,
    framesSent,
  };
}
