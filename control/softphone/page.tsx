/** The softphone page's HTML (served at `/`): markup and styles; behaviour is in assets/softphone.js. */
import type { FC } from 'hono/jsx';

const css = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f5f6f8;color:#1d2330}
header{background:#1f3a5f;color:#fff;padding:14px 24px;display:flex;align-items:center;gap:16px}
header h1{font-size:18px;margin:0;font-weight:600}
#status{margin-left:auto;background:#ffffff22;border-radius:12px;padding:2px 10px;font-size:13px}
main{display:grid;grid-template-columns:2fr 1fr;gap:16px;padding:16px 24px;max-width:1200px}
section{background:#fff;border-radius:8px;box-shadow:0 1px 2px #0001;padding:12px 16px}
h2{font-size:14px;text-transform:uppercase;letter-spacing:.04em;color:#5a6478;margin:4px 0 10px}
button{font:inherit;border:0;border-radius:6px;padding:8px 16px;cursor:pointer;background:#2d6cdf;color:#fff}
button:disabled{background:#b8c2d6;cursor:default}
#hangup{background:#c63b3b}
#transcript{list-style:none;margin:0;padding:0;max-height:420px;overflow:auto}
#transcript li{margin:6px 0;padding:6px 10px;border-radius:6px}
#transcript li.human{background:#eef3fb}
#transcript li.assistant{background:#eef8f0}
#transcript strong{display:inline-block;min-width:56px;color:#5a6478}
table{border-collapse:collapse;width:100%;font-size:13px}
td,th{border-bottom:1px solid #e6e9ef;padding:4px 6px;text-align:left}
.pad{display:grid;grid-template-columns:repeat(3,48px);gap:6px;margin-top:10px}
.pad button{background:#e6e9ef;color:#1d2330;padding:8px 0}
`;

/** The page; `controlName` is shown in the header. */
export const SoftphonePage: FC<{ title: string }> = ({ title }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{title}</title>
      <style dangerouslySetInnerHTML={{ __html: css }} />
    </head>
    <body data-status="idle">
      <header>
        <h1>{title}</h1>
        <button id="call" type="button">Call the agent</button>
        <button id="hangup" type="button" disabled>
          Hang up
        </button>
        <span id="status">idle</span>
      </header>
      <main>
        <section>
          <h2>Conversation</h2>
          <div id="ringing" />
          <ul id="transcript" />
        </section>
        <div>
          <section>
            <h2>Claim</h2>
            <table>
              <tbody id="claim" />
            </table>
          </section>
          <section style="margin-top:16px">
            <h2>Latency per turn (ms)</h2>
            <table>
              <thead>
                <tr>
                  <th>turn</th>
                  <th>answer</th>
                  <th>endpoint</th>
                  <th>STT</th>
                  <th>LLM 1st token</th>
                  <th>TTS 1st byte</th>
                </tr>
              </thead>
              <tbody id="latency" />
            </table>
          </section>
          <section style="margin-top:16px">
            <h2>Keypad</h2>
            <div class="pad">
              {['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'].map((d) => (
                <button type="button" data-digit={d}>
                  {d}
                </button>
              ))}
            </div>
          </section>
        </div>
      </main>
      <script type="module" src="/softphone/softphone.js" />
    </body>
  </html>
);
