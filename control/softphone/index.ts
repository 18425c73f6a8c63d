/**
 * The local softphone page, served by control: `GET /` (the page) and its two scripts. The page
 * talks to control's softphone API (`/softphone/calls`, `/softphone/ringing`, `/call/{id}`) and to
 * the gateway's `/media/softphone/{call_id}` route.
 */
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { jsx } from 'hono/jsx';
import { SoftphonePage } from './page.tsx';

const asset = (name: string): string => readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');

/** Routes of the softphone page. */
export function softphonePageRoutes(title = 'Call center softphone'): Hono {
  const scripts = { 'softphone.js': asset('softphone.js'), 'capture-worklet.js': asset('capture-worklet.js') };
  const app = new Hono();
  app.get('/', (c) => c.html(`<!doctype html>${jsx(SoftphonePage, { title }).toString()}`));
  for (const [name, text] of Object.entries(scripts)) {
    app.get(`/softphone/${name}`, (c) => c.body(text, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }));
  }
  return app;
}
