/** Optional observation points of the gateway (tests, debugging, the bench); never on the hot path's critical work. */
import type { TurnEvent } from './engine-port.ts';

/** Hooks called by sessions; each is optional and must not throw. */
export interface GatewayObserver {
  /** A session opened (after the upgrade). */
  onSessionOpen?(callId: string): void;
  /** A finished speech segment, in media time (ms since the caller's audio began). */
  onVadSegment?(callId: string, segment: { readonly startMs: number; readonly endMs: number }): void;
  /** Every turn event, as the engine receives it. */
  onTurnEvent?(callId: string, event: TurnEvent): void;
  /** A barge-in: decision time, the time the carrier was told to stop, and the speech onset (call clock). */
  onBargeIn?(callId: string, info: { readonly decisionMs: number; readonly stopSentMs: number; readonly onsetMs: number }): void;
  /** A session ended. */
  onSessionClosed?(callId: string, reason: string): void;
}
