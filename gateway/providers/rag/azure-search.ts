/**
 * Azure AI Search, hybrid: the keyword query plus a vectorizable text query (the index's own
 * vectorizer embeds it), fused by the service. Untested offline (no service to reach): only the
 * request mapping is unit-tested.
 */
import { AzureKeyCredential, SearchClient, type SearchOptions } from '@azure/search-documents';
import { ProviderError } from '../errors.ts';
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

/** @example const rag = createAzureSearch(config.rag.azure_search); */
export function createAzureSearch(settings: AzureSearchSettings): DocumentSearch {
  const client = new SearchClient<Doc>(settings.endpoint, settings.index, new AzureKeyCredential(settings.key));
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
          throw new ProviderError(`Azure AI Search failed: ${(error as Error).message}`, 'rag:azure_search', true, { cause: error });
        }
      }
      return [...best.values()].sort((a, b) => b.score - a.score).slice(0, topK);
    },
    close: async () => undefined,
  };
}
