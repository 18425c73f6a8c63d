/**
 * The Hono application: every route of control, the one error envelope, the body limit and
 * the authentication of each ingress (API key, service token, carrier signatures).
 */
import { traceRequests } from './tracing.ts';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ControlDeps } from '../deps.ts';
import { callRoutes } from '../api/calls.ts';
import { healthRoutes } from '../api/health.ts';
import { internalRoutes } from '../api/internal.ts';
import { softphoneApiRoutes } from '../api/softphone.ts';
import { acsCallbackRoutes } from '../carriers/acs/acs-callbacks.ts';
import { AcsJwtVerifier } from '../carriers/acs/acs-jwt.ts';
import { eventGridRoutes } from '../carriers/acs/eventgrid.ts';
import { twilioRoutes } from '../carriers/twilio/twilio-webhooks.ts';
import { reportRoutes } from '../report/routes.tsx';
import { softphonePageRoutes } from '../softphone/index.ts';
import { apiKeyAuth } from './auth.ts';
import { envelope, errorHandler, notFoundHandler } from './errors.ts';

/**
 * Bodies are capped at 1 MiB: the largest legitimate one (an event batch of 100 messages, or a
 * call with 100 claim fields and a 10,000-character task) is a fraction of that.
 */
const MAX_BODY_BYTES = 1024 * 1024;

/** Builds the application. */
export function createApp(deps: ControlDeps): Hono {
  const app = new Hono();
  app.onError(errorHandler(deps.logger));
  app.notFound(notFoundHandler);
  app.use('*', traceRequests(deps.telemetry.tracer));
  app.use('*', bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.json(envelope('request body too large', [`the limit is ${MAX_BODY_BYTES} bytes`]), 413) }));

  // Public: probes, metrics (no personal data: low-cardinality attributes only).
  app.route('/', healthRoutes(deps));
  app.get('/metrics', async (c) => {
    if (!deps.config.telemetry.prometheus) return c.json(envelope('metrics are disabled (telemetry.prometheus)'), 404);
    return c.body(await deps.telemetry.prometheusText(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  });

  // Carrier webhooks: each verifies its own signature.
  const acs = deps.config.acs;
  if (acs !== undefined && deps.acs !== undefined) {
    const jwt = new AcsJwtVerifier({ jwksUrl: acs.jwks_url, issuer: acs.issuer, audience: acs.audience, nowSec: () => Math.floor(deps.now() / 1000) });
    app.route('/', acsCallbackRoutes(deps, deps.acs, jwt));
    app.route('/', eventGridRoutes(deps, deps.acs));
  }
  if (deps.twilio !== undefined) app.route('/', twilioRoutes(deps, deps.twilio));

  // The gateway's internal API: service token.
  app.route('/', internalRoutes(deps));

  // The API, reports and softphone API: API key (when configured).
  const auth = apiKeyAuth(deps.config.control.api_keys);
  for (const path of ['/call', '/call/*', '/report', '/report/*', '/softphone/calls', '/softphone/ringing']) app.use(path, auth);
  app.route('/', callRoutes(deps));
  app.route('/', reportRoutes(deps));
  app.route('/', softphoneApiRoutes(deps));
  app.route('/', softphonePageRoutes());
  return app;
}
