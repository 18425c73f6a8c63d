/**
 * Azure AI Search, hybrid: the keyword query plus a vectorizable text query (the index's own
 * vectorizer embeds it), fused by the service. Tested against a loopback stand-in of the REST
 * protocol (azure-search-wire.test.ts); not against the real service.
 */
import { AzureKeyCredential, SearchClient, type SearchOptions } from '@azure/search-documents';
import { ProviderError, retryableStatus } from '../errors.ts';
import type { DocumentSearch, SearchHit } from './types.ts';

export interface AzureSearchSettings {
  readonly endpoint: string;
  readonly key: string;
  readonly index: string;
  /** Vector field for the hybrid part; without it the query is keyword-only. */
  readonly vector_field?: string | undefined;
  readonly semantic_configuration?: string | undefined;
  readonly content_field?: string | undefined;
  readonly title_field?: string | undefined;
}

type Doc = Record<string, unknown>;

/** The search options of one query (exported for tests). */
export function azureSearchOptions(settings: AzureSearchSettings, query: string, topK: number): SearchOptions<Doc> {
  const options: Record<string, unknown> = { top: topK };
  if (settings.vector_field) {
    options.vectorSearchOptions = { queries: [{ kind: 'text', text: query, fields: [settings.vector_field], kNearestNeighborsCount: topK }] };
  }
  if (settings.semantic_configuration) {
    options.queryType = 'semantic';
    options.semanticSearchOptions = { configurationName: settings.semantic_configuration };
  }
  // The SDK's option type is a union keyed on queryType; this object satisfies one of its members.
  return options as SearchOptions<Doc>;
}

/**
 * Plain http is accepted only on a loopback address (a local stand-in or a tunnel); the SDK refuses
 * http otherwise, which is right for anything that leaves the machine.
 */
function isLoopbackHttp(endpoint: string): boolean {
  try {
    const url = new URL(endpoint);
    return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
}

/** @example const rag = createAzureSearch(config.rag.azure_search); */
export function createAzureSearch(settings: AzureSearchSettings): DocumentSearch {
  const client = new SearchClient<Doc>(settings.endpoint, settings.index, new AzureKeyCredential(settings.key), {
    allowInsecureConnection: isLoopbackHttp(settings.endpoint),
  });
  const contentField = settings.content_field ?? 'content';
  const titleField = settings.title_field ?? 'title';
  return {
    name: 'azure_search',
    async search(queries, topK, signal) {
      const best = new Map<string, SearchHit>();
      for (const q of queries) {
        try {
          const res = await client.search(q, { ...azureSearchOptions(settings, q, topK), ...(signal ? { abortSignal: signal } : {}) });
          let i = 0;
          for await (const r of res.results) {
            const doc = r.document;
            const content = String(doc[contentField] ?? '');
            const key = `${String(doc[titleField] ?? '')}\u0000${content.slice(0, 200)}`;
            const score = r.rerankerScore ?? r.score;
            const prev = best.get(key);
            if (!prev || prev.score < score) best.set(key, { title: String(doc[titleField] ?? ''), source: settings.index, content, score });
            if (++i >= topK) break;
          }
        } catch (error) {
          if (signal?.aborted) throw signal.reason;
          // RestError carries the HTTP status; without one it was the network, worth another try.
          const status = (error as { statusCode?: unknown }).statusCode;
          const code = typeof status === 'number' ? status : undefined;
          throw new ProviderError(`Azure AI Search failed: ${(error as Error).message}`, 'rag:azure_search', code === undefined || retryableStatus(code), {
            cause: error,
            ...(code === undefined ? {} : { status: code }),
          });
        }
      }
      return [...best.values()].sort((a, b) => b.score - a.score).slice(0, topK);
    },
    close: async () => undefined,
  };
}
