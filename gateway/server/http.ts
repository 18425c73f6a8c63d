/** Plain HTTP routes of the gateway: liveness, readiness, Prometheus metrics, and 404 for the rest. */
import type { HttpResponse, TemplatedApp } from 'uWebSockets.js';

/** What the HTTP routes read from the gateway. */
export interface HttpDeps {
  /** Null when ready, or the reason it is not (503 names it). */
  notReady(): string | null;
  prometheusText(): Promise<string>;
  onError(error: unknown): void;
}

function json(res: HttpResponse, status: string, body: unknown): void {
  res.cork(() => {
    res.writeStatus(status).writeHeader('content-type', 'application/json').end(JSON.stringify(body));
  });
}

/** Registers the routes on `app`. */
export function registerHttpRoutes(app: TemplatedApp, deps: HttpDeps): void {
  app.get('/health/liveness', (res) => json(res, '200 OK', { status: 'ok' }));
  app.get('/health/readiness', (res) => {
    const problem = deps.notReady();
    if (problem === null) json(res, '200 OK', { status: 'ready' });
    else json(res, '503 Service Unavailable', { error: { message: 'not ready', details: [problem] } });
  });
  app.get('/metrics', (res) => {
    let aborted = false;
    res.onAborted(() => (aborted = true));
    deps
      .prometheusText()
      .then((text) => {
        if (aborted) return;
        res.cork(() => res.writeStatus('200 OK').writeHeader('content-type', 'text/plain; version=0.0.4; charset=utf-8').end(text));
      })
      .catch((error: unknown) => {
        deps.onError(error);
        if (!aborted) json(res, '500 Internal Server Error', { error: { message: 'metrics unavailable', details: [] } });
      });
  });
  app.any('/*', (res) => json(res, '404 Not Found', { error: { message: 'not found', details: [] } }));
}
