/**
 * Test support: a loopback HTTP server that speaks the part of the Azure AI Search REST protocol
 * that document search uses (`POST /indexes('{index}')/docs/search.post.search`), so the real
 * `@azure/search-documents` client runs against it. It checks the `api-key` header and the index
 * name the way the service does, answers with scripted documents, and records what it saw.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted document: its scores and its retrievable fields. */
export interface StandinDocument {
  readonly score: number;
  /** Present only for semantic queries, as in the service. */
  readonly rerankerScore?: number;
  readonly fields: Record<string, unknown>;
}

/** One request as the stand-in received it. */
export interface RecordedSearch {
  readonly path: string;
  readonly index: string | undefined;
  readonly apiVersion: string | null;
  readonly apiKey: string | undefined;
  /** The parsed JSON body, or undefined when it was not JSON. */
  readonly body: Record<string, unknown> | undefined;
}

/** A scripted failure: the next matching request gets this status and error envelope. */
export interface StandinFailure {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

/** The running stand-in. */
export interface AzureSearchStandin {
  /** `http://127.0.0.1:{port}`, to pass as the client's endpoint. */
  readonly endpoint: string;
  /** Every request received, in order. */
  readonly requests: RecordedSearch[];
  /** Documents returned (at most `top` of them) by every successful search. */
  documents: StandinDocument[];
  /** Answers the next search requests with these failures, one each, before documents again. */
  failNext(...failures: StandinFailure[]): void;
  /** Idempotent. */
  close(): Promise<void>;
}

export interface AzureSearchStandinOptions {
  /** The admin or query key the service accepts. */
  readonly key: string;
  /** Index names that exist; others get 404. */
  readonly indexes: readonly string[];
}

const SEARCH_PATH = /^\/indexes\('([^']*)'\)\/docs\/search\.post\.search$/;
/** Bodies above this are refused; a search request is a few hundred bytes. */
const MAX_BODY_BYTES = 1 << 20;

/** @example const s = await startAzureSearchStandin({ key: 'k', indexes: ['docs'] }); */
export async function startAzureSearchStandin(options: AzureSearchStandinOptions): Promise<AzureSearchStandin> {
  const requests: RecordedSearch[] = [];
  const failures: StandinFailure[] = [];
  let closed: Promise<void> | undefined;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const match = SEARCH_PATH.exec(url.pathname);
      const body = parseJson(Buffer.concat(chunks).toString('utf8'));
      const apiKey = typeof req.headers['api-key'] === 'string' ? req.headers['api-key'] : undefined;
      requests.push({ path: url.pathname, index: match?.[1], apiVersion: url.searchParams.get('api-version'), apiKey, body });
      const reply = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
        res.end(JSON.stringify(payload));
      };
      const error = (status: number, code: string, message: string): void =>
        // Retry-After 0 keeps the SDK's retries of 429/503 immediate, so tests do not wait on backoff.
        reply(status, { error: { code, message } }, status === 429 || status === 503 ? { 'retry-after': '0' } : {});

      if (req.method !== 'POST' || !match) return error(404, 'ResourceNotFound', `No route for ${req.method} ${url.pathname}`);
      if (!url.searchParams.get('api-version')) return error(400, 'MissingApiVersionParameter', 'api-version is required');
      if (apiKey !== options.key) return error(401, 'Unauthorized', 'Access denied due to invalid api-key');
      if (!options.indexes.includes(match[1] ?? '')) return error(404, 'IndexNotFound', `The index '${match[1]}' was not found`);
      if (size > MAX_BODY_BYTES || !body) return error(400, 'InvalidRequestParameter', 'The request body is not valid JSON');
      const failure = failures.shift();
      if (failure) return error(failure.status, failure.code, failure.message);
      const top = typeof body.top === 'number' ? body.top : 50;
      const semantic = body.queryType === 'semantic';
      reply(200, { value: standin.documents.slice(0, top).map((d) => toWire(d, semantic)) });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const standin: AzureSearchStandin = {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    documents: [],
    failNext: (...f) => void failures.push(...f),
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
  return standin;
}

function toWire(d: StandinDocument, semantic: boolean): Record<string, unknown> {
  const wire: Record<string, unknown> = { '@search.score': d.score };
  if (semantic && d.rerankerScore !== undefined) wire['@search.rerankerScore'] = d.rerankerScore;
  return { ...wire, ...d.fields };
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
