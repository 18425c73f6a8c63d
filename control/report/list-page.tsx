/** The report list: latest calls, searchable by phone number. */
import type { FC } from 'hono/jsx';
import type { Call } from '../contract/index.ts';
import { formatTime, humanize, Layout } from './layout.tsx';

/** The list page. */
export const CallList: FC<{ calls: readonly Call[]; phone: string | undefined; problem?: string }> = ({ calls, phone, problem }) => (
  <Layout title="Call reports" heading="Call reports" sub={phone ? `calls with ${phone}` : 'latest calls'}>
    <form class="search" method="get" action="/report">
      <input type="search" name="phone_number" placeholder="+33612345678" value={phone ?? ''} aria-label="Phone number (E.164)" />
      <button type="submit">Search</button>
    </form>
    {problem ? <p class="badge low">{problem}</p> : null}
    {calls.length === 0 ? (
      <p class="muted">No calls{phone ? ` with ${phone}` : ''} yet.</p>
    ) : (
      <table class="list">
        <thead>
          <tr>
            <th>Started</th>
            <th>Phone</th>
            <th>Company · agent</th>
            <th>State</th>
            <th>Messages</th>
            <th>Satisfaction</th>
            <th>Next action</th>
          </tr>
        </thead>
        <tbody>
          {calls.map((c) => (
            <tr>
              <td>
                <a href={`/report/${c.call_id}`}>{formatTime(c.created_at)}</a>
              </td>
              <td>{c.initiate.phone_number}</td>
              <td>
                {c.initiate.bot_company} · {c.initiate.bot_name}
              </td>
              <td>
                <span class={`badge ${c.state}`}>{c.state}</span>
              </td>
              <td>{c.messages.length}</td>
              <td>{c.synthesis ? <span class={`badge ${c.synthesis.satisfaction}`}>{c.synthesis.satisfaction}</span> : <span class="muted">—</span>}</td>
              <td>{c.next ? humanize(c.next.action) : <span class="muted">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    )}
  </Layout>
);
