/** The report of one call: who called, what was said (barge-ins marked), the claim, reminders, synthesis, next action and latency. */
import type { FC } from 'hono/jsx';
import type { Call, Message } from '../contract/index.ts';
import { formatOffset, formatTime, humanize, Layout } from './layout.tsx';
import { Waterfall } from './waterfall.tsx';

const ACTION_LABEL: Record<Message['action'], string> = { call: 'call', talk: 'voice', sms: 'SMS', hangup: 'hung up' };

const Timeline: FC<{ call: Call }> = ({ call }) => {
  if (call.messages.length === 0) return <p class="muted">Nothing was said in this call.</p>;
  return (
    <ol class="timeline">
      {call.messages.map((m) => (
        <li class={m.persona}>
          <span class="t" title={formatTime(m.created_at)}>
            {formatOffset(m.created_at, call.created_at)}
          </span>
          <div class="bubble">
            <div class="who">
              {m.persona === 'human' ? 'Customer' : call.initiate.bot_name}
              <span class="act">{ACTION_LABEL[m.action]}</span>
              {m.interrupted ? (
                <span class="cut" title="The customer spoke over the agent; this is what they heard.">
                  interrupted
                </span>
              ) : null}
            </div>
            <div class="text">{m.content}</div>
            {m.tool_calls.length > 0 ? (
              <details class="tools">
                <summary>{m.tool_calls.map((t) => t.function_name).join(', ')}</summary>
                {m.tool_calls.map((t) => (
                  <div>
                    <code>
                      {t.function_name}({t.function_arguments}){t.content ? ` → ${t.content}` : ''}
                    </code>
                  </div>
                ))}
              </details>
            ) : null}
          </div>
        </li>
      ))}
    </ol>
  );
};

const Claim: FC<{ call: Call }> = ({ call }) => {
  const types = new Map(call.initiate.claim.map((f) => [f.name, f] as const));
  const names = [...new Set([...call.initiate.claim.map((f) => f.name), ...Object.keys(call.claim)])];
  return (
    <table class="kv">
      <tbody>
        {names.map((name) => {
          const value = call.claim[name];
          const field = types.get(name);
          return (
            <tr>
              <th title={field?.description ?? ''}>{humanize(name)}</th>
              {value === null || value === undefined || value === '' ? <td class="empty">—</td> : <td>{value}</td>}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
};

const Reminders: FC<{ call: Call }> = ({ call }) =>
  call.reminders.length === 0 ? (
    <p class="muted">No reminders.</p>
  ) : (
    <ul class="reminders">
      {call.reminders.map((r) => (
        <li>
          <strong>{r.title}</strong> <span class="badge">{r.owner}</span>
          <div class="muted">due {formatTime(r.due_date_time)}</div>
          <div>{r.description}</div>
        </li>
      ))}
    </ul>
  );

const Insights: FC<{ call: Call }> = ({ call }) => (
  <section class="card summary">
    <h2>Synthesis</h2>
    {call.synthesis === null ? (
      <p class="muted">{call.in_progress ? 'The call is in progress; the synthesis is written when it ends.' : 'No synthesis (yet): it is written shortly after a call with a conversation ends.'}</p>
    ) : (
      <div>
        <p class="short">{call.synthesis.short}</p>
        <p>
          Satisfaction: <span class={`badge ${call.synthesis.satisfaction}`}>{call.synthesis.satisfaction}</span>
        </p>
        <p>{call.synthesis.long}</p>
      </div>
    )}
    {call.next === null ? null : (
      <div class="next">
        <div>
          Next action: <span class="action">{humanize(call.next.action)}</span>
        </div>
        <div>{call.next.justification}</div>
      </div>
    )}
  </section>
);

/** The call report page. */
export const CallReport: FC<{ call: Call }> = ({ call }) => {
  const { initiate } = call;
  return (
    <Layout title={`${initiate.bot_company} — call with ${initiate.phone_number}`} heading={`${initiate.bot_company} · call report`} sub={`${initiate.bot_name} with ${initiate.phone_number}`}>
      <section class="card">
        <div class="facts">
          <span>
            Caller <b>{call.claim.policyholder_name || initiate.phone_number}</b>
          </span>
          <span>
            Phone <b>{initiate.phone_number}</b>
          </span>
          <span>
            Started <b>{formatTime(call.created_at)}</b>
          </span>
          <span>
            {humanize(call.direction)} via <b>{call.carrier}</b>
          </span>
          <span>
            State <span class={`badge ${call.state}`}>{call.state}</span>
          </span>
          {call.lang_short_code ? (
            <span>
              Language <b>{call.lang_short_code}</b>
            </span>
          ) : null}
          <span class="muted">id {call.call_id}</span>
        </div>
        {initiate.task ? <p class="muted">Objective: {initiate.task}</p> : null}
      </section>
      <div class="grid">
        <div>
          <Insights call={call} />
          <section class="card">
            <h2>Conversation</h2>
            <Timeline call={call} />
          </section>
        </div>
        <div>
          <section class="card">
            <h2>Claim</h2>
            <Claim call={call} />
          </section>
          <section class="card">
            <h2>Reminders</h2>
            <Reminders call={call} />
          </section>
          <section class="card">
            <h2>Improvement suggestions</h2>
            {call.synthesis?.improvement_suggestions ? <p>{call.synthesis.improvement_suggestions}</p> : <p class="muted">None yet.</p>}
          </section>
        </div>
      </div>
      <section class="card">
        <h2>Latency per turn</h2>
        <Waterfall turns={call.turns} />
      </section>
    </Layout>
  );
};
