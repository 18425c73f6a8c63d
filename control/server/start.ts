/**
 * `startControl`: builds control's ownership tree (backends → carriers → services → HTTP server
 * and job worker), listens, and closes it all in reverse order, once.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { pino, type Logger } from 'pino';
import type twilio from 'twilio';
import { createCache, type Cache } from '../cache/index.ts';
import { setupTelemetry, type Config, type Telemetry } from '../contract/index.ts';
import { createQueue, runWorker, type JobQueue } from '../queue/index.ts';
import { createStore, type CallStore } from '../store/index.ts';
import { CallService } from '../calls/call-service.ts';
import { createMediaUrls } from '../calls/media-url.ts';
import { AcsControl } from '../carriers/acs/acs-carrier.ts';
import { createSoftphoneCarrier } from '../carriers/softphone.ts';
import { TwilioControl } from '../carriers/twilio/twilio-carrier.ts';
import { carrierRegistry, type CarrierPort } from '../carriers/types.ts';
import type { ControlDeps } from '../deps.ts';
import { jobHandlers } from '../jobs/handlers.ts';
import { JobScheduler } from '../jobs/schedule.ts';
import { createSmsSender } from '../sms/sms-sender.ts';
import { ControlMetrics } from '../telemetry/control-metrics.ts';
import { createApp } from './app.ts';

/** Options of {@link startControl}; everything has a production default. */
export interface ControlOptions {
  /** Backends given here belong to the caller and are not closed by control. */
  readonly store?: CallStore;
  readonly cache?: Cache;
  readonly queue?: JobQueue;
  /** Telemetry set up by the entry point; otherwise control sets up its own (not global). */
  readonly telemetry?: Telemetry;
  readonly logger?: Logger;
  /** Clock (ms since epoch). */
  readonly now?: () => number;
  /** Outbound HTTP for webhooks (emergency). */
  readonly fetch?: typeof fetch;
  /** Run the job worker in this process (default true); `pollMs` sets its idle poll. */
  readonly worker?: boolean | { readonly pollMs?: number };
  /** Delay before post-call work starts (default 5 s; see JobScheduler). */
  readonly postCallDelayMs?: number;
  /** Twilio REST client options (a custom `httpClient` for a local stand-in). */
  readonly twilioClientOptions?: Parameters<typeof twilio>[2];
}

/** A running control plane. */
export interface ControlServer {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  readonly port: number;
  /** The dependencies (for embedding and tests). */
  readonly deps: ControlDeps;
  /** Stops the server and the worker, then closes what control opened. Idempotent. */
  close(): Promise<void>;
}

/** Closers run in reverse order of opening, each once; a failing one does not stop the others. */
class Owner {
  readonly #closers: Array<() => Promise<void>> = [];
  constructor(readonly logger: Logger) {}
  own(close: () => Promise<void>): void {
    this.#closers.push(close);
  }
  async closeAll(): Promise<void> {
    for (const close of this.#closers.splice(0).reverse()) await close().catch((err: unknown) => this.logger.error({ err }, 'error while closing'));
  }
}

/**
 * Starts control. Port 0 picks a free port. Without API keys, control listens on 127.0.0.1 only.
 * @example const control = await startControl(loadConfig({ env: process.env })); console.log(control.url);
 */
export async function startControl(config: Config, options: ControlOptions = {}): Promise<ControlServer> {
  const owner = new Owner(options.logger ?? pino({ level: config.telemetry.log_level, base: { service: 'control' } }));
  try {
    const deps = await buildDeps(config, options, owner);
    if (options.worker !== false) startWorker(deps, owner, typeof options.worker === 'object' ? options.worker.pollMs : undefined);
    const loopbackOnly = config.control.api_keys.length === 0;
    const host = loopbackOnly ? '127.0.0.1' : config.control.host;
    if (loopbackOnly) deps.logger.warn({ configured_host: config.control.host }, 'no API key configured (control.api_keys): listening on 127.0.0.1 only');
    const server = await listen(createApp(deps).fetch, config.control.port, host);
    owner.own(() => closeServer(server));
    const port = (server.address() as AddressInfo).port;
    const url = `http://${urlHost(host)}:${port}`;
    deps.logger.info({ url, carrier: deps.carriers.outbound.kind, store: config.store.kind, cache: config.cache.kind, queue: config.queue.kind }, 'control listening');
    let closing: Promise<void> | undefined;
    return { url, port, deps, close: () => (closing ??= owner.closeAll()) };
  } catch (error) {
    await owner.closeAll();
    throw error;
  }
}

/** Opens (or takes) the backends, then builds carriers and services on them. */
async function buildDeps(config: Config, options: ControlOptions, owner: Owner): Promise<ControlDeps> {
  const { logger } = owner;
  const now = options.now ?? Date.now;
  const telemetry = options.telemetry ?? (await setupTelemetry({ serviceName: 'control', appInsightsConnectionString: config.telemetry.app_insights_connection_string, otlpTracesEndpoint: config.telemetry.otlp_traces_endpoint, global: false }));
  if (options.telemetry === undefined) owner.own(() => telemetry.shutdown());
  const store = options.store ?? (await createStore(config.store));
  if (options.store === undefined) owner.own(() => store.close());
  const cache = options.cache ?? createCache(config.cache);
  if (options.cache === undefined) owner.own(() => cache.close());
  const queue = options.queue ?? createQueue(config.queue);
  if (options.queue === undefined) owner.own(() => queue.close());

  let mediaKey = config.secrets.media_token_key;
  if (mediaKey === undefined) {
    mediaKey = randomBytes(32).toString('hex');
    logger.warn('secrets.media_token_key is not set: media tokens use a key of this process only, which no gateway can verify');
  }
  if (config.secrets.service_token === undefined) logger.warn('secrets.service_token is not set: the gateway internal API refuses every request');
  const media = createMediaUrls(config, mediaKey, now);
  const acs = config.acs === undefined ? undefined : new AcsControl({ config, cache, media, logger });
  const twilioOptions = options.twilioClientOptions ? { clientOptions: options.twilioClientOptions } : {};
  const twilioControl = config.twilio === undefined ? undefined : new TwilioControl({ config, cache, media, logger, ...twilioOptions });
  const ports: CarrierPort[] = [createSoftphoneCarrier(), ...(acs ? [acs] : []), ...(twilioControl ? [twilioControl] : [])];
  const carriers = carrierRegistry(ports);
  owner.own(() => carriers.close());
  const jobs = new JobScheduler({ queue, logger, now, ...(options.postCallDelayMs === undefined ? {} : { postCallDelayMs: options.postCallDelayMs }) });
  const calls = new CallService({ config, store, cache, carriers, jobs, logger, now });
  const sms = createSmsSender(config, options.twilioClientOptions);
  const metrics = new ControlMetrics(telemetry.meter);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  return { config, store, cache, queue, logger, telemetry, metrics, calls, carriers, media, jobs, sms, acs, twilio: twilioControl, now, fetch: fetchImpl };
}

/** Runs the job worker until close; close waits for the jobs already running. */
function startWorker(deps: ControlDeps, owner: Owner, pollMs: number | undefined): void {
  const stop = new AbortController();
  const stopped = runWorker(deps.queue, jobHandlers(deps), {
    consumer: `control-${hostname()}-${process.pid}`,
    signal: stop.signal,
    ...(pollMs === undefined ? {} : { pollMs }),
    onError: (err, job) => deps.logger.error({ err, job: job?.id }, 'job failed'),
  });
  owner.own(async () => {
    stop.abort();
    await stopped;
  });
}

function listen(fetch: (req: Request) => Response | Promise<Response>, port: number, hostname: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname }, () => resolve(server as Server)) as Server;
    server.once('error', reject);
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    // Requests still running after close get their connection cut at once: the process is stopping.
    server.closeAllConnections();
  });
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
