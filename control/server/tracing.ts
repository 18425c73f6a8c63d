/**
 * One span per HTTP request: `HTTP GET /call/:id` with the route pattern (never the path, which
 * may carry a phone number) and the status code.
 */
import { SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import type { MiddlewareHandler } from 'hono';

/** Hono middleware recording a server span per request. */
export function traceRequests(tracer: Tracer): MiddlewareHandler {
  return async (c, next) => {
    const span = tracer.startSpan(`HTTP ${c.req.method}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': c.req.method } });
    try {
      await next();
    } finally {
      const route = c.req.routePath;
      span.updateName(`HTTP ${c.req.method} ${route}`);
      span.setAttribute('http.route', route);
      span.setAttribute('http.response.status_code', c.res.status);
      if (c.res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
  };
}
