/**
 * A stand-in for the Twilio REST API (calls and messages) on loopback, and a twilio `httpClient`
 * that sends the SDK's requests there instead of api.twilio.com (same paths, forms and basic auth).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';

/** One REST request as received (form fields). */
export interface TwilioRequest {
  readonly method: string;
  readonly path: string;
  readonly form: Record<string, string>;
}

export interface TwilioStandin {
  readonly url: string;
  readonly requests: TwilioRequest[];
  /** A twilio `RequestClient` that talks to the stand-in. */
  readonly httpClient: InstanceType<typeof twilio.RequestClient>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => resolve(body));
  });
}

/** Starts the stand-in for one account. */
export async function startTwilioStandin(accountSid: string, authToken: string): Promise<TwilioStandin> {
  const requests: TwilioRequest[] = [];
  const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
  const server = createServer(async (req, res) => {
    const form = Object.fromEntries(new URLSearchParams(await readBody(req)));
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.headers.authorization !== expectedAuth) return send(401, { code: 20003, message: 'Authenticate', status: 401 });
    requests.push({ method: req.method ?? '', path, form });
    const base = `/2010-04-01/Accounts/${accountSid}`;
    if (req.method === 'POST' && path === `${base}/Calls.json`) return send(201, { sid: `CA${randomUUID().replace(/-/g, '')}`, account_sid: accountSid, to: form.To, from: form.From, status: 'queued' });
    const update = new RegExp(`^${base}/Calls/(CA[0-9a-f]+)\\.json$`).exec(path);
    if (req.method === 'POST' && update) return send(200, { sid: update[1], account_sid: accountSid, status: form.Status ?? 'in-progress' });
    if (req.method === 'POST' && path === `${base}/Messages.json`) return send(201, { sid: `SM${randomUUID().replace(/-/g, '')}`, account_sid: accountSid, to: form.To, body: form.Body, status: 'queued' });
    return send(404, { code: 20404, message: 'not found', status: 404 });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const real = new twilio.RequestClient();
  const httpClient = Object.assign(Object.create(real) as InstanceType<typeof twilio.RequestClient>, {
    request: (opts: Parameters<InstanceType<typeof twilio.RequestClient>['request']>[0]) => real.request({ ...opts, uri: opts.uri.replace(/^https:\/\/api\.twilio\.com/, url) }),
  });
  return { url, requests, httpClient, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
