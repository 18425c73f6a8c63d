/**
 * The gateway: root of the ownership tree. Gateway → {uWS listener, DSP lanes, sessions, the
 * tick}; each CallSession → {carrier link, DSP slot, turn machine, pacer, engine, timers}.
 * One 10 ms tick (running only while calls are up) paces every call's outbound audio, checks turn
 * timeouts, and starts the 20 ms DSP tick of a main-thread lane (`dsp_workers: 0`); worker lanes
 * tick by themselves.
 */
import pino, { type Logger } from 'pino';
import type { us_listen_socket } from 'uWebSockets.js';
import { ControlClient, setupTelemetry, type Carrier, type Config, type Telemetry } from '../control/contract/index.ts';
import type { CallEngineFactory } from './call/engine-port.ts';
import { CLOSE } from './call/limits.ts';
import type { GatewayObserver } from './call/observer.ts';
import { ResourceRegistry, type TimerHandle } from './call/registry.ts';
import { CallSession, type CarrierLink, type SessionEnv } from './call/session.ts';
import { DspHost, resolveDspWorkers } from './dsp/index.ts';
import { GatewayMetrics } from './metrics/index.ts';
import { registerHttpRoutes } from './server/http.ts';
import { registerMediaRoutes } from './server/media-route.ts';
import { nativeUws } from './server/native.ts';

/** Gateway tick (ms): pacing granularity; with a 100 ms lead, 10 ms keeps the lead within one frame of target. */
const TICK_MS = 10;
/** Hot-path counters reach the metrics this often (ms). */
const FLUSH_MS = 1000;

/** Options of {@link startGateway}. */
export interface StartGatewayOptions {
  /** Builds each call's conversation engine; without one, calls run media, VAD and turns only. */
  readonly engineFactory?: CallEngineFactory;
  /** Client of control's internal API (default: from `gateway.control_url` and `secrets.service_token`). */
  readonly control?: ControlClient;
  /** Telemetry to record into (default: a private Prometheus registry, plus Azure Monitor if configured). */
  readonly telemetry?: Telemetry;
  readonly logger?: Logger;
  readonly observer?: GatewayObserver;
}

/** A running gateway. */
export interface GatewayHandle {
  /** The port it listens on (the real one when configured with 0). */
  readonly port: number;
  /** Calls with a live media session. */
  activeCalls(): number;
  /** Live resources: sessions, timers (registry), DSP slots. */
  resources(): { sessions: number; timers: number; dspSlots: number };
  /** Stops accepting calls, lets running ones finish for up to `timeoutSec`, then closes. */
  drain(timeoutSec: number): Promise<void>;
  /** Closes every call ('shutdown', 1001) and stops. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts a gateway.
 * @example
 * const gw = await startGateway(loadConfig({ overrides: { gateway: { port: 0 } } }), { engineFactory });
 * console.log(gw.port);
 */
export async function startGateway(config: Config, options: StartGatewayOptions = {}): Promise<GatewayHandle> {
  const uws = nativeUws();
  const mediaTokenKey = config.secrets.media_token_key;
  const serviceToken = config.secrets.service_token;
  if (mediaTokenKey === undefined) throw new Error('secrets.media_token_key is required: media WebSockets are authenticated by per-call tokens');
  if (serviceToken === undefined && options.control === undefined) throw new Error('secrets.service_token is required to reach control');
  const log = options.logger ?? pino({ level: config.telemetry.log_level, base: { service: 'gateway' } });
  const ownTelemetry = options.telemetry === undefined;
  const telemetry =
    options.telemetry ??
    (await setupTelemetry({ serviceName: 'gateway', appInsightsConnectionString: config.telemetry.app_insights_connection_string, otlpTracesEndpoint: config.telemetry.otlp_traces_endpoint, global: false }));
  const registry = new ResourceRegistry<CallSession>();
  const metrics = new GatewayMetrics(telemetry.meter, () => registry.sessions.size);
  const dspWorkers = resolveDspWorkers(config.gateway.dsp_workers);
  const dsp = await DspHost.start({
    workers: dspWorkers,
    onError: (error) => log.error({ err: error }, 'DSP lane failed'),
  });
  const control = options.control ?? new ControlClient({ baseUrl: config.gateway.control_url, serviceToken: serviceToken ?? '' });
  const env: SessionEnv = { config, control, dsp, metrics, registry, log, engineFactory: options.engineFactory, observer: options.observer, tracer: telemetry.tracer };

  let draining = false;
  let closed: Promise<void> | undefined;
  let listenSocket: us_listen_socket | false = false;
  let tick: TimerHandle | undefined;
  let lastFlush = 0;

  const runTick = () => {
    const now = performance.now();
    for (const session of registry.sessions.values()) {
      try {
        session.tick(session.now());
      } catch (error) {
        log.error({ err: error, callId: session.callId }, 'session tick failed');
        void session.close('error', CLOSE.internalError, 'internal error');
      }
    }
    dsp.tick(now);
    if (now - lastFlush >= FLUSH_MS) {
      lastFlush = now;
      for (const session of registry.sessions.values()) session.flushCounters();
    }
    // The tick lives only while calls do: an idle gateway holds no timer.
    if (registry.sessions.size === 0 && dsp.channels === 0) {
      tick?.cancel();
      tick = undefined;
    }
  };

  const app = uws.App();
  registerHttpRoutes(app, {
    notReady: () => (closed ? 'closed' : draining ? 'draining' : listenSocket === false ? 'not listening' : null),
    prometheusText: () => telemetry.prometheusText(),
    onError: (error) => log.error({ err: error }, 'metrics export failed'),
  });
  registerMediaRoutes(app, {
    mediaTokenKey,
    admission: (callId) => {
      if (draining || closed) return { status: '503 Service Unavailable', reason: 'gateway draining' };
      if (registry.sessions.size >= config.gateway.max_calls) return { status: '503 Service Unavailable', reason: 'at capacity' };
      if (registry.sessions.has(callId)) return { status: '409 Conflict', reason: 'call already has a media session' };
      return null;
    },
    openSession: (callId: string, carrier: Carrier, link: CarrierLink) => {
      const session = new CallSession(callId, carrier, link, env);
      registry.sessions.set(callId, session);
      tick ??= registry.setInterval(runTick, TICK_MS);
      session.start();
      return session;
    },
    onError: (error, callId) => log.error({ err: error, callId }, 'media route failed'),
  });

  const port = await new Promise<number>((resolve, reject) => {
    app.listen(config.gateway.host, config.gateway.port, (socket) => {
      if (socket === false) return reject(new Error(`gateway could not listen on ${config.gateway.host}:${config.gateway.port}`));
      listenSocket = socket;
      resolve(uws.us_socket_local_port(socket as never));
    });
  }).catch(async (error: unknown) => {
    await dsp.close();
    metrics.close();
    throw error;
  });
  log.info({ port, dspWorkers }, 'gateway listening');

  const close = (): Promise<void> => {
    closed ??= (async () => {
      if (listenSocket !== false) uws.us_listen_socket_close(listenSocket);
      listenSocket = false;
      await Promise.allSettled([...registry.sessions.values()].map((s) => s.close('shutdown', CLOSE.goingAway, 'gateway shutting down')));
      tick?.cancel();
      tick = undefined;
      await dsp.close();
      metrics.close();
      if (ownTelemetry) await telemetry.shutdown();
      log.info('gateway closed');
    })();
    return closed;
  };

  return {
    port,
    activeCalls: () => registry.sessions.size,
    resources: () => ({ sessions: registry.sessions.size, timers: registry.timers, dspSlots: dsp.channels }),
    drain: async (timeoutSec) => {
      draining = true;
      log.info({ calls: registry.sessions.size, timeoutSec }, 'draining');
      const deadline = performance.now() + timeoutSec * 1000;
      while (registry.sessions.size > 0 && performance.now() < deadline) {
        await new Promise<void>((resolve) => {
          const t = registry.setTimeout(resolve, 100);
          void t;
        });
      }
      await close();
    },
    close,
  };
}
