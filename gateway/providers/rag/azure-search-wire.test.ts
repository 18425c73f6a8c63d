import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../errors.ts';
import { createAzureSearch, type AzureSearchSettings } from './azure-search.ts';
import { startAzureSearchStandin, type AzureSearchStandin } from './azure-search-standin.ts';

// The real @azure/search-documents client against a loopback stand-in of the REST protocol.
const KEY = 'query-key-1';
let standin: AzureSearchStandin;

beforeEach(async () => {
  standin = await startAzureSearchStandin({ key: KEY, indexes: ['faq'] });
});
afterEach(async () => {
  await standin.close();
});

function settings(extra: Partial<AzureSearchSettings> = {}): AzureSearchSettings {
  return { endpoint: standin.endpoint, key: KEY, index: 'faq', ...extra };
}

describe('Azure AI Search over the wire', () => {
  it('sends a hybrid semantic query and maps the reranked documents to hits', async () => {
    standin.documents = [
      { score: 0.9, rerankerScore: 1.2, fields: { id: '1', title: 'Billing', content: 'Bills are sent monthly.' } },
      { score: 0.4, rerankerScore: 3.1, fields: { id: '2', title: 'Water', content: 'Water is shut off after 60 days.' } },
      { score: 0.2, rerankerScore: 0.5, fields: { id: '3', title: 'Other', content: 'Unrelated.' } },
    ];
    const rag = createAzureSearch(settings({ vector_field: 'content_vector', semantic_configuration: 'faq-semantic' }));
    const hits = await rag.search(['water shut off'], 2);

    expect(hits).toEqual([
      { title: 'Water', source: 'faq', content: 'Water is shut off after 60 days.', score: 3.1 },
      { title: 'Billing', source: 'faq', content: 'Bills are sent monthly.', score: 1.2 },
    ]);
    expect(standin.requests).toHaveLength(1);
    const [req] = standin.requests;
    expect(req?.apiKey).toBe(KEY);
    expect(req?.index).toBe('faq');
    expect(req?.apiVersion).toMatch(/^\d{4}-\d{2}-\d{2}/);
    expect(req?.body).toMatchObject({
      search: 'water shut off',
      top: 2,
      queryType: 'semantic',
      semanticConfiguration: 'faq-semantic',
      vectorQueries: [{ kind: 'text', text: 'water shut off', fields: 'content_vector', k: 2 }],
    });
    await rag.close();
  });

  it('sends a keyword-only query without vector or semantic options, reads configured fields, and deduplicates across queries', async () => {
    standin.documents = [
      { score: 2.5, fields: { heading: 'Hours', body: 'Open 8 to 6.' } },
      { score: 1.5, fields: { heading: 'Holidays', body: 'Closed on public holidays.' } },
    ];
    const rag = createAzureSearch(settings({ title_field: 'heading', content_field: 'body' }));
    const hits = await rag.search(['opening hours', 'when are you open'], 5);

    expect(hits).toEqual([
      { title: 'Hours', source: 'faq', content: 'Open 8 to 6.', score: 2.5 },
      { title: 'Holidays', source: 'faq', content: 'Closed on public holidays.', score: 1.5 },
    ]);
    expect(standin.requests.map((r) => r.body?.search)).toEqual(['opening hours', 'when are you open']);
    for (const r of standin.requests) {
      expect(r.body?.top).toBe(5);
      expect(r.body).not.toHaveProperty('vectorQueries');
      expect(r.body?.queryType).not.toBe('semantic');
    }
  });

  it('recovers when the service is briefly unavailable (the SDK retries a 503)', async () => {
    standin.documents = [{ score: 1, fields: { title: 'A', content: 'a' } }];
    standin.failNext({ status: 503, code: 'ServiceUnavailable', message: 'busy' });
    const hits = await createAzureSearch(settings()).search(['a'], 3);
    expect(hits.map((h) => h.title)).toEqual(['A']);
    expect(standin.requests).toHaveLength(2);
  });

  it('surfaces a lasting 503 as a retryable ProviderError with the status', async () => {
    const busy = { status: 503, code: 'ServiceUnavailable', message: 'busy' };
    standin.failNext(busy, busy, busy, busy, busy, busy, busy, busy);
    const error = await createAzureSearch(settings()).search(['a'], 3).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ provider: 'rag:azure_search', retryable: true, status: 503 });
    expect(standin.requests.length).toBeGreaterThan(1);
  });

  it('surfaces a wrong key and a missing index as non-retryable ProviderErrors', async () => {
    const badKey = await createAzureSearch(settings({ key: 'wrong' })).search(['a'], 3).catch((e: unknown) => e);
    expect(badKey).toBeInstanceOf(ProviderError);
    expect(badKey).toMatchObject({ retryable: false, status: 401 });

    const noIndex = await createAzureSearch(settings({ index: 'missing' })).search(['a'], 3).catch((e: unknown) => e);
    expect(noIndex).toBeInstanceOf(ProviderError);
    expect(noIndex).toMatchObject({ retryable: false, status: 404 });
    expect(standin.requests.map((r) => r.index)).toEqual(['faq', 'missing']);
  });

  it('throws the abort reason, not a ProviderError, when the signal is already aborted', async () => {
    const controller = new AbortController();
    const reason = new Error('turn aborted');
    controller.abort(reason);
    await expect(createAzureSearch(settings()).search(['a'], 3, controller.signal)).rejects.toBe(reason);
  });
});
