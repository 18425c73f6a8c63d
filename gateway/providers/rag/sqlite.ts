/**
 * The embedded document index: SQLite FTS5 (better-sqlite3) over a folder of `.md` / `.txt`
 * files, chunked by paragraphs, ranked by BM25. Files are re-indexed when their size or mtime
 * changes, so opening an up-to-date index is cheap. Queries are synchronous and take well under a
 * millisecond on operator-sized corpora.
 */
import Database from 'better-sqlite3';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, relative } from 'node:path';
import type { DocumentSearch, SearchHit } from './types.ts';

/** Chunks of about this many characters: enough context for an answer, small enough for the prompt. */
const CHUNK_CHARS = 800;
const EXTENSIONS = new Set(['.md', '.txt', '.markdown']);
/** Files larger than this are skipped (a search index is not a data lake). */
const MAX_FILE_BYTES = 5 * 1024 * 1024;

export interface SqliteSearchOptions {
  /** Folder of documents (`rag.documents_dir`); missing means an empty index. */
  readonly documentsDir: string;
  /** Index file (`rag.index_path`); `:memory:` for tests. */
  readonly indexPath: string;
}

/**
 * Opens (and brings up to date) the index.
 * @example const rag = openSqliteSearch({ documentsDir: 'data/documents', indexPath: 'data/rag.sqlite' });
 */
export function openSqliteSearch(options: SqliteSearchOptions): DocumentSearch & { readonly documents: number; reindex(): number } {
  if (options.indexPath !== ':memory:') mkdirSync(dirname(options.indexPath), { recursive: true });
  const db = new Database(options.indexPath);
  db.pragma('journal_mode = WAL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ms REAL NOT NULL);
    CREATE VIRTUAL TABLE IF NOT EXISTS chunks USING fts5(title, content, source UNINDEXED, tokenize = 'unicode61 remove_diacritics 2');
  `);
  const reindex = (): number => indexFolder(db, options.documentsDir);
  reindex();
  const query = db.prepare<[string, number], { title: string; source: string; content: string; rank: number; id: number }>(
    'SELECT rowid AS id, title, source, content, bm25(chunks, 2.0, 1.0) AS rank FROM chunks WHERE chunks MATCH ? ORDER BY rank LIMIT ?',
  );
  let closed = false;
  return {
    name: 'sqlite',
    get documents() {
      return (db.prepare('SELECT count(*) AS n FROM files').get() as { n: number }).n;
    },
    reindex,
    async search(queries, topK) {
      const best = new Map<number, SearchHit>();
      for (const q of queries) {
        const match = toFtsQuery(q);
        if (match === undefined) continue;
        for (const row of query.all(match, topK)) {
          const score = -row.rank;
          const prev = best.get(row.id);
          if (prev === undefined || prev.score < score) best.set(row.id, { title: row.title, source: row.source, content: row.content, score });
        }
      }
      return [...best.values()].sort((a, b) => b.score - a.score).slice(0, topK);
    },
    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}

/** A free-text query as an FTS5 expression: each word quoted (no syntax injection), OR-ed; BM25 favours rows matching more of them. */
export function toFtsQuery(text: string): string | undefined {
  const words = (text.toLowerCase().match(/[\p{L}\p{N}]{2,}/gu) ?? []).slice(0, 32);
  if (words.length === 0) return undefined;
  return [...new Set(words)].map((w) => `"${w}"`).join(' OR ');
}

function indexFolder(db: Database.Database, dir: string): number {
  const seen = new Set<string>();
  const files = listFiles(dir);
  const known = db.prepare<[string], { size: number; mtime_ms: number }>('SELECT size, mtime_ms FROM files WHERE path = ?');
  const upsert = db.prepare('INSERT INTO files (path, size, mtime_ms) VALUES (?, ?, ?) ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms');
  const removeChunks = db.prepare('DELETE FROM chunks WHERE source = ?');
  const insert = db.prepare('INSERT INTO chunks (title, content, source) VALUES (?, ?, ?)');
  let changed = 0;
  const tx = db.transaction(() => {
    for (const path of files) {
      const rel = relative(dir, path);
      seen.add(rel);
      const st = statSync(path);
      const prev = known.get(rel);
      if (prev && prev.size === st.size && prev.mtime_ms === st.mtimeMs) continue;
      removeChunks.run(rel);
      const text = readFileSync(path, 'utf8');
      const title = titleOf(text, rel);
      for (const chunk of chunkText(text)) insert.run(title, chunk, rel);
      upsert.run(rel, st.size, st.mtimeMs);
      changed++;
    }
    for (const row of db.prepare<[], { path: string }>('SELECT path FROM files').all()) {
      if (seen.has(row.path)) continue;
      removeChunks.run(row.path);
      db.prepare('DELETE FROM files WHERE path = ?').run(row.path);
      changed++;
    }
  });
  tx();
  return changed;
}

function listFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) out.push(...listFiles(path));
    else if (EXTENSIONS.has(extname(name).toLowerCase()) && st.size <= MAX_FILE_BYTES) out.push(path);
  }
  return out;
}

function titleOf(text: string, rel: string): string {
  const heading = /^#\s+(.+)$/m.exec(text);
  return heading?.[1]?.trim() ?? basename(rel, extname(rel)).replace(/[-_]+/g, ' ');
}

/** Paragraphs grouped up to ~CHUNK_CHARS; a longer paragraph becomes its own chunk(s). */
export function chunkText(text: string): string[] {
  const paragraphs = text.split(/\n\s*\n/).map((p) => p.replace(/\s+/g, ' ').trim()).filter((p) => p !== '');
  const out: string[] = [];
  let current = '';
  for (const p of paragraphs) {
    if (current !== '' && current.length + p.length + 1 > CHUNK_CHARS) {
      out.push(current);
      current = '';
    }
    if (p.length > CHUNK_CHARS * 2) {
      for (let i = 0; i < p.length; i += CHUNK_CHARS) out.push(p.slice(i, i + CHUNK_CHARS));
      continue;
    }
    current = current === '' ? p : `${current} ${p}`;
  }
  if (current !== '') out.push(current);
  return out;
}
