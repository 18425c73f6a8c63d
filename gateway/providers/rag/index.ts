/** Document search for `search_document`: SQLite FTS5 over a folder (embedded default) or Azure AI Search. */
import type { Config } from '../../../control/contract/index.ts';
import { createAzureSearch } from './azure-search.ts';
import { openSqliteSearch } from './sqlite.ts';
import type { DocumentSearch } from './types.ts';

export { azureSearchOptions, createAzureSearch, type AzureSearchSettings } from './azure-search.ts';
export { chunkText, openSqliteSearch, toFtsQuery, type SqliteSearchOptions } from './sqlite.ts';
export type { DocumentSearch, SearchHit } from './types.ts';

/** The document search from `rag` config (one per process, shared by calls). */
export function createDocumentSearch(section: Config['rag']): DocumentSearch {
  if (section.kind === 'azure_search') {
    if (!section.azure_search) throw new Error('rag.kind is azure_search but rag.azure_search is not set');
    return createAzureSearch(section.azure_search);
  }
  return openSqliteSearch({ documentsDir: section.documents_dir, indexPath: section.index_path });
}
