/** `search_document`: retrieval over the operator's documents. */

/** One passage found. */
export interface SearchHit {
  /** Document title (first heading, or file name). */
  readonly title: string;
  /** Where it comes from (relative path or index key). */
  readonly source: string;
  readonly content: string;
  /** Higher is better; only comparable within one search. */
  readonly score: number;
}

/** A document index. */
export interface DocumentSearch {
  readonly name: string;
  /** Best passages for any of the queries, best first, at most `topK`, deduplicated. */
  search(queries: readonly string[], topK: number, signal?: AbortSignal): Promise<SearchHit[]>;
  close(): Promise<void>;
}
