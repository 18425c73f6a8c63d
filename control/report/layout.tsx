/** The shell of the report pages: document, inline styles (no CDN), header. */
import type { Child, FC } from 'hono/jsx';

const css = `
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",sans-serif;margin:0;background:#f4f5f7;color:#1c2230}
a{color:#2457c5;text-decoration:none}a:hover{text-decoration:underline}
header.top{background:#1f3a5f;color:#fff;padding:14px 28px;display:flex;align-items:baseline;gap:18px;flex-wrap:wrap}
header.top h1{font-size:20px;margin:0;font-weight:600}
header.top .sub{opacity:.8;font-size:14px}
header.top nav{margin-left:auto}header.top nav a{color:#cfe0ff;font-size:14px}
main{max-width:1280px;margin:0 auto;padding:20px 28px 48px}
.grid{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:18px;align-items:start}
@media (max-width:900px){.grid{grid-template-columns:1fr}}
section.card{background:#fff;border-radius:10px;box-shadow:0 1px 3px #0000001a;padding:16px 20px;margin-bottom:18px}
h2{font-size:13px;text-transform:uppercase;letter-spacing:.06em;color:#5b6578;margin:0 0 12px}
.facts{display:flex;flex-wrap:wrap;gap:10px 28px;font-size:14px;color:#394257}
.facts b{color:#1c2230;font-weight:600}
.badge{display:inline-block;border-radius:999px;padding:1px 10px;font-size:12.5px;font-weight:600;background:#e7ebf3;color:#34405a}
.badge.high{background:#dff3e4;color:#1d6b34}.badge.partial{background:#fff3d6;color:#80570a}
.badge.low,.badge.terrible{background:#fbe2e2;color:#9b2323}.badge.connected{background:#dff3e4;color:#1d6b34}
.badge.ringing{background:#fff3d6;color:#80570a}
.summary p{margin:6px 0}.summary .short{font-size:17px;font-weight:600}
.next{border-left:4px solid #2457c5;padding:6px 12px;background:#f3f6fd;border-radius:4px}
.next .action{font-weight:700;color:#2457c5}
ol.timeline{list-style:none;margin:0;padding:0}
ol.timeline li{display:grid;grid-template-columns:64px minmax(0,1fr);gap:10px;padding:8px 0;border-bottom:1px solid #eef0f4}
ol.timeline .t{color:#7a8496;font-size:12.5px;font-variant-numeric:tabular-nums;padding-top:3px}
.bubble{border-radius:8px;padding:8px 12px}
.human .bubble{background:#eef3fb}.assistant .bubble{background:#eef8f0}
.who{font-weight:600;font-size:13px;color:#394257;margin-bottom:2px}
.who .act{font-weight:500;color:#7a8496;margin-left:6px}
.cut{display:inline-block;margin-left:8px;font-size:11.5px;font-weight:700;color:#9b2323;background:#fbe2e2;border-radius:4px;padding:0 6px}
details.tools{margin-top:6px;font-size:13px;color:#4a5468}
details.tools code{font-size:12px;white-space:pre-wrap;word-break:break-word}
table.kv{width:100%;border-collapse:collapse;font-size:14px}
table.kv th,table.kv td{text-align:left;padding:6px 8px;border-bottom:1px solid #eef0f4;vertical-align:top}
table.kv th{color:#5b6578;font-weight:600;width:42%}
table.kv td.empty{color:#a3abb9}
ul.reminders{list-style:none;margin:0;padding:0}
ul.reminders li{padding:8px 0;border-bottom:1px solid #eef0f4}
.muted{color:#7a8496}
.wf-turn{margin:0 0 16px}
.wf-title{font-size:13.5px;font-weight:600;margin-bottom:4px}
.wf-row{display:grid;grid-template-columns:150px minmax(0,1fr) 70px;align-items:center;gap:8px;font-size:12.5px;height:20px}
.wf-lane{position:relative;height:14px;background:repeating-linear-gradient(90deg,#f0f2f6 0,#f0f2f6 1px,transparent 1px,transparent 10%);border-radius:3px}
.wf-bar{position:absolute;top:0;height:14px;border-radius:3px;min-width:2px}
.wf-ms{text-align:right;font-variant-numeric:tabular-nums;color:#394257}
.s-endpoint{background:#9aa7bd}.s-stt{background:#5b8def}.s-ttft{background:#f0a030}.s-sentence{background:#e0662f}.s-tts{background:#2fa37a}.s-answer{background:#1f3a5f}
.legend{display:flex;gap:14px;flex-wrap:wrap;font-size:12.5px;margin-bottom:12px}
.legend span::before{content:"";display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:-1px;background:var(--c)}
table.list{width:100%;border-collapse:collapse;font-size:14px;background:#fff}
table.list th,table.list td{padding:8px 10px;border-bottom:1px solid #eef0f4;text-align:left}
table.list th{font-size:12.5px;text-transform:uppercase;letter-spacing:.05em;color:#5b6578}
form.search{display:flex;gap:8px;margin-bottom:16px}
form.search input{font:inherit;padding:7px 10px;border:1px solid #c9d0dc;border-radius:6px;min-width:260px}
form.search button{font:inherit;border:0;border-radius:6px;padding:7px 16px;background:#2457c5;color:#fff;cursor:pointer}
`;

/** A full HTML page. */
export const Layout: FC<{ title: string; heading: Child; sub?: Child; children?: Child }> = ({ title, heading, sub, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{title}</title>
      <style dangerouslySetInnerHTML={{ __html: css }} />
    </head>
    <body>
      <header class="top">
        <h1>{heading}</h1>
        {sub === undefined ? null : <span class="sub">{sub}</span>}
        <nav>
          <a href="/report">All calls</a>
        </nav>
      </header>
      <main>{children}</main>
    </body>
  </html>
);

/** `2026-05-04 14:03:12 UTC` */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `+01:23` from the start of the call. */
export function formatOffset(iso: string, startIso: string): string {
  const s = Math.max(0, Math.round((Date.parse(iso) - Date.parse(startIso)) / 1000));
  if (!Number.isFinite(s)) return '';
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `+${h}:${mm}:${ss}` : `+${mm}:${ss}`;
}

/** `requires_expertise` → `Requires expertise` */
export function humanize(value: string): string {
  const text = value.replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
