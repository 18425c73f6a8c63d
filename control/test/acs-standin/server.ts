/**
 * A stand-in for the ACS Call Automation and SMS REST APIs on loopback: it checks the HMAC
 * signature the SDK computes from the connection string's access key, answers the operations
 * control uses with the documented shapes, records every request, and sends CloudEvent callbacks
 * to the callback URL a call registered (signed by the JWKS stand-in).
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as received. */
export interface AcsRequest {
  /** `createCall`, `answerCall`, `transferToParticipant`, `terminate`, `hangup`, `play`, `recognize`, `startMediaStreaming`, `startRecording`, `sms`, or `unknown`. */
  readonly op: string;
  readonly method: string;
  readonly path: string;
  readonly apiVersion: string | null;
  readonly connectionId?: string;
  readonly body: Record<string, unknown>;
}

/** A call connection the stand-in knows. */
export interface StandinConnection {
  readonly connectionId: string;
  readonly serverCallId: string;
  readonly callbackUri: string;
  readonly operationContext?: string;
}

export interface AcsStandin {
  readonly endpoint: string;
  readonly connectionString: string;
  readonly requests: AcsRequest[];
  /** Requests refused for a bad HMAC signature. */
  readonly unauthorized: AcsRequest[];
  readonly connections: Map<string, StandinConnection>;
  /** The next request of `op` fails with `status`. */
  failNext(op: string, status: number): void;
  /** Sends a callback event (`Microsoft.Communication.<type>`) for a connection; returns control's status. */
  emit(connectionId: string, type: string, data?: Record<string, unknown>, options?: { token?: string | null; eventId?: string }): Promise<number>;
  close(): Promise<void>;
}

const ROUTES: Array<[RegExp, string, string]> = [
  [/^\/calling\/callConnections$/, 'POST', 'createCall'],
  [/^\/calling\/callConnections:answer$/, 'POST', 'answerCall'],
  [/^\/calling\/callConnections\/([^/:]+):transferToParticipant$/, 'POST', 'transferToParticipant'],
  [/^\/calling\/callConnections\/([^/:]+):terminate$/, 'POST', 'terminate'],
  [/^\/calling\/callConnections\/([^/:]+)$/, 'DELETE', 'hangup'],
  [/^\/calling\/callConnections\/([^/:]+):play$/, 'POST', 'play'],
  [/^\/calling\/callConnections\/([^/:]+):recognize$/, 'POST', 'recognize'],
  [/^\/calling\/callConnections\/([^/:]+):startMediaStreaming$/, 'POST', 'startMediaStreaming'],
  [/^\/calling\/recordings$/, 'POST', 'startRecording'],
  [/^\/sms$/, 'POST', 'sms'],
];

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Checks `Authorization: HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=…`. */
function hmacValid(req: IncomingMessage, body: string, accessKey: string): boolean {
  const auth = String(req.headers.authorization ?? '');
  const match = /^HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=(.+)$/.exec(auth);
  const date = req.headers['x-ms-date'];
  const contentHash = req.headers['x-ms-content-sha256'];
  if (!match || typeof date !== 'string' || typeof contentHash !== 'string') return false;
  if (createHash('sha256').update(body).digest('base64') !== contentHash) return false;
  const url = new URL(req.url ?? '/', 'http://x');
  const query = url.searchParams.toString();
  const toSign = `${req.method}\n${url.pathname}${query ? `?${query}` : ''}\n${date};${req.headers.host};${contentHash}`;
  return createHmac('sha256', Buffer.from(accessKey, 'base64')).update(toSign).digest('base64') === match[1];
}

/**
 * Starts the stand-in.
 * @param sign produces the callback JWT (from the JWKS stand-in).
 */
export async function startAcsStandin(options: {
  sign: () => Promise<string>;
  /** Where callbacks really go (control on loopback), whatever public host the callback URL names. */
  deliverTo?: () => string;
}): Promise<AcsStandin> {
  const accessKey = Buffer.from(`acs-standin-key-${randomUUID()}`).toString('base64');
  const requests: AcsRequest[] = [];
  const unauthorized: AcsRequest[] = [];
  const connections = new Map<string, StandinConnection>();
  const failures = new Map<string, number>();

  const respond = (res: ServerResponse, status: number, body?: unknown) => {
    if (body === undefined) res.writeHead(status).end();
    else res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const text = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://x');
    const route = ROUTES.find(([re, method]) => method === req.method && re.test(url.pathname));
    const op = route?.[2] ?? 'unknown';
    const connectionId = route ? (route[0].exec(url.pathname)?.[1] ?? undefined) : undefined;
    let body: Record<string, unknown> = {};
    try {
      body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      return respond(res, 400, { error: { code: 'BadRequest', message: 'body is not JSON' } });
    }
    const record: AcsRequest = { op, method: req.method ?? '', path: url.pathname, apiVersion: url.searchParams.get('api-version'), body, ...(connectionId ? { connectionId: decodeURIComponent(connectionId) } : {}) };
    if (!hmacValid(req, text, accessKey)) {
      unauthorized.push(record);
      return respond(res, 401, { error: { code: 'Unauthorized', message: 'Denied by the HMAC check' } });
    }
    requests.push(record);
    const failure = failures.get(op);
    if (failure !== undefined) {
      failures.delete(op);
      return respond(res, failure, { error: { code: 'Failure', message: `scripted ${op} failure` } });
    }
    switch (op) {
      case 'createCall':
      case 'answerCall': {
        const id = `conn-${randomUUID()}`;
        const connection: StandinConnection = {
          connectionId: id,
          serverCallId: `server-${randomUUID()}`,
          callbackUri: String(body.callbackUri),
          ...(typeof body.operationContext === 'string' ? { operationContext: body.operationContext } : {}),
        };
        connections.set(id, connection);
        return respond(res, op === 'createCall' ? 201 : 200, {
          callConnectionId: id,
          serverCallId: connection.serverCallId,
          callbackUri: connection.callbackUri,
          callConnectionState: 'connecting',
          targets: op === 'createCall' ? body.targets : [],
          mediaStreamingSubscription: { id: randomUUID(), state: 'inactive' },
        });
      }
      case 'transferToParticipant':
        return respond(res, 202, { operationContext: body.operationContext });
      case 'terminate':
      case 'hangup':
        return respond(res, 204);
      case 'play':
      case 'recognize':
      case 'startMediaStreaming':
        return respond(res, 202);
      case 'startRecording':
        return respond(res, 200, { recordingId: `rec-${randomUUID()}`, recordingState: 'active', recordingKind: 'azureCommunicationServices' });
      case 'sms': {
        const recipients = (body.smsRecipients as Array<{ to: string }> | undefined) ?? [];
        return respond(res, 202, { value: recipients.map((r) => ({ to: r.to, messageId: `sms-${randomUUID()}`, httpStatusCode: 202, successful: true })) });
      }
      default:
        return respond(res, 404, { error: { code: 'NotFound', message: `no route ${req.method} ${url.pathname}` } });
    }
  };

  const server = createServer((req, res) => {
    handler(req, res).catch((error: unknown) => respond(res, 500, { error: { code: 'Internal', message: String(error) } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  const emit: AcsStandin['emit'] = async (connectionId, type, data = {}, o = {}) => {
    const connection = connections.get(connectionId);
    if (connection === undefined) throw new Error(`unknown connection ${connectionId}`);
    const token = o.token === undefined ? await options.sign() : o.token;
    const event = {
      id: o.eventId ?? randomUUID(),
      source: `calling/callConnections/${connectionId}`,
      type: `Microsoft.Communication.${type}`,
      specversion: '1.0',
      datacontenttype: 'application/json',
      time: new Date().toISOString(),
      subject: `calling/callConnections/${connectionId}`,
      data: { version: '2024-09-01-preview', callConnectionId: connectionId, serverCallId: connection.serverCallId, correlationId: randomUUID(), publicEventType: `Microsoft.Communication.${type}`, ...data },
    };
    const target = new URL(connection.callbackUri);
    if (options.deliverTo !== undefined) {
      const real = new URL(options.deliverTo());
      target.protocol = real.protocol;
      target.host = real.host;
    }
    const res = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
      body: JSON.stringify([event]),
    });
    await res.arrayBuffer();
    return res.status;
  };

  return {
    endpoint,
    connectionString: `endpoint=${endpoint};accesskey=${accessKey}`,
    requests,
    unauthorized,
    connections,
    failNext: (op, status) => failures.set(op, status),
    emit,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
