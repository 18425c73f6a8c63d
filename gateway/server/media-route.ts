/**
 * The media WebSocket routes `/media/{acs|twilio|softphone}/{call_id}`. The upgrade handler is
 * the gate: a valid per-call media token (query `?token=` or `Authorization: Bearer`) for this
 * call and carrier, room under `max_calls`, not draining, no other session for the call.
 * Anything else is refused with an HTTP status and no session is created.
 */
import type { HttpRequest, HttpResponse, TemplatedApp, us_socket_context_t, WebSocket } from 'uWebSockets.js';
import { verifyMediaToken, type Carrier } from '../../control/contract/index.ts';
import { CLOSE, MAX_BACKPRESSURE_BYTES, MAX_PAYLOAD_BYTES } from '../call/limits.ts';
import type { CallSession, CarrierLink } from '../call/session.ts';

/** Per-socket data. */
export interface SocketData {
  readonly callId: string;
  readonly carrier: Carrier;
  session: CallSession | undefined;
}

/** What the media routes need from the gateway. */
export interface MediaDeps {
  readonly mediaTokenKey: string;
  /** Null when a new call may be accepted, or the refusal (status line and reason). */
  admission(callId: string): { status: string; reason: string } | null;
  /** Creates and registers the session of an accepted socket. */
  openSession(callId: string, carrier: Carrier, link: CarrierLink): CallSession;
  onError(error: unknown, callId: string): void;
}

const CALL_ID = /^[A-Za-z0-9_-]{1,128}$/;
const CARRIERS: readonly Carrier[] = ['acs', 'twilio', 'softphone'];

function refuse(res: HttpResponse, status: string, reason: string): void {
  res.cork(() => {
    res.writeStatus(status).writeHeader('content-type', 'application/json').end(JSON.stringify({ error: { message: reason, details: [] } }), true);
  });
}

function bearer(header: string): string {
  return header.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : '';
}

function upgrade(carrier: Carrier, deps: MediaDeps) {
  return (res: HttpResponse, req: HttpRequest, context: us_socket_context_t): void => {
    const callId = req.getParameter(0);
    const token = req.getQuery('token') || bearer(req.getHeader('authorization'));
    const key = req.getHeader('sec-websocket-key');
    const protocol = req.getHeader('sec-websocket-protocol');
    const extensions = req.getHeader('sec-websocket-extensions');
    if (!CALL_ID.test(callId)) return refuse(res, '400 Bad Request', 'bad call id');
    if (token === '') return refuse(res, '401 Unauthorized', 'media token missing');
    const verdict = verifyMediaToken(deps.mediaTokenKey, token, { callId, carrier }, Math.floor(Date.now() / 1000));
    if (!verdict.ok) return refuse(res, '401 Unauthorized', `media token refused: ${verdict.problem}`);
    const refusal = deps.admission(callId);
    if (refusal !== null) return refuse(res, refusal.status, refusal.reason);
    const data: SocketData = { callId, carrier, session: undefined };
    res.upgrade(data, key, protocol, extensions, context);
  };
}

function link(ws: WebSocket<SocketData>): CarrierLink {
  return {
    // uWS: 1 sent, 0 buffered (backpressure building), 2 dropped at the backpressure limit.
    send: (m) => ws.send(m.data, m.binary) !== 2,
    bufferedAmount: () => ws.getBufferedAmount(),
    end: (code, reason) => ws.end(code, reason),
  };
}

/** Registers the three media routes. */
export function registerMediaRoutes(app: TemplatedApp, deps: MediaDeps): void {
  for (const carrier of CARRIERS) {
    app.ws<SocketData>(`/media/${carrier}/:callId`, {
      maxPayloadLength: MAX_PAYLOAD_BYTES,
      maxBackpressure: MAX_BACKPRESSURE_BYTES,
      closeOnBackpressureLimit: 1,
      idleTimeout: 60,
      sendPingsAutomatically: true,
      upgrade: upgrade(carrier, deps),
      open: (ws) => {
        const data = ws.getUserData();
        try {
          data.session = deps.openSession(data.callId, data.carrier, link(ws));
        } catch (error) {
          deps.onError(error, data.callId);
          ws.end(CLOSE.internalError, 'session failed');
        }
      },
      message: (ws, message, isBinary) => {
        const data = ws.getUserData();
        try {
          data.session?.onMessage(message, isBinary);
        } catch (error) {
          // One call's failure never reaches another: close just this one.
          deps.onError(error, data.callId);
          void data.session?.close('error', CLOSE.internalError, 'internal error');
        }
      },
      drain: (ws) => {
        const data = ws.getUserData();
        try {
          data.session?.onDrain();
        } catch (error) {
          deps.onError(error, data.callId);
        }
      },
      close: (ws, code) => {
        const data = ws.getUserData();
        try {
          data.session?.onTransportClosed(code);
        } catch (error) {
          deps.onError(error, data.callId);
        }
      },
    });
  }
}
