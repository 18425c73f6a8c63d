import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { azureSearchOptions } from './azure-search.ts';
import { chunkText, openSqliteSearch, toFtsQuery } from './sqlite.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rag-'));
  writeFileSync(join(dir, 'water-damage.md'), '# Water damage\n\nIf a pipe bursts, cut the water supply and take photos.\n\nThe deductible for water damage is 150 euros.');
  writeFileSync(join(dir, 'car.txt'), 'Car insurance covers theft and collision. A rental car is provided for up to 7 days.');
  writeFileSync(join(dir, 'ignored.pdf'), 'binary');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite FTS5 document search', () => {
  it('indexes .md and .txt files and ranks passages by relevance across queries', async () => {
    const rag = openSqliteSearch({ documentsDir: dir, indexPath: join(dir, 'index', 'rag.sqlite') });
    expect(rag.documents).toBe(2);
    const hits = await rag.search(['water damage deductible', 'pipe burst'], 3);
    expect(hits[0]?.title).toBe('Water damage');
    expect(hits[0]?.content).toContain('150 euros');
    expect(hits.every((h) => h.source !== 'ignored.pdf')).toBe(true);
    const car = await rag.search(['rental car'], 5);
    expect(car[0]?.source).toBe('car.txt');
    expect(car[0]?.title).toBe('car');
    expect(await rag.search(['"); DROP TABLE chunks; --', ''], 5)).toEqual([]);
    await rag.close();
  });

  it('re-indexes changed and removed files when reopened', async () => {
    const indexPath = join(dir, 'rag.sqlite');
    (await Promise.resolve(openSqliteSearch({ documentsDir: dir, indexPath }))).close();
    writeFileSync(join(dir, 'car.txt'), 'Boat insurance covers storms.');
    utimesSync(join(dir, 'car.txt'), new Date(), new Date(Date.now() + 5000));
    rmSync(join(dir, 'water-damage.md'));
    const rag = openSqliteSearch({ documentsDir: dir, indexPath });
    expect(rag.documents).toBe(1);
    expect(await rag.search(['rental'], 5)).toEqual([]);
    expect((await rag.search(['boat storms'], 5))[0]?.content).toContain('Boat');
    await rag.close();
  });

  it('works with a missing folder (empty index)', async () => {
    const rag = openSqliteSearch({ documentsDir: join(dir, 'nope'), indexPath: ':memory:' });
    expect(await rag.search(['anything'], 5)).toEqual([]);
    await rag.close();
  });

  it('builds safe FTS queries and chunks text', () => {
    expect(toFtsQuery('Water "damage" OR *')).toBe('"water" OR "damage" OR "or"');
    expect(toFtsQuery('!!')).toBeUndefined();
    const chunks = chunkText(`${'a'.repeat(500)}\n\n${'b'.repeat(500)}\n\nshort`);
    expect(chunks).toHaveLength(2);
  });
});

describe('Azure AI Search request mapping', () => {
  it('adds a vectorizable text query for hybrid search and semantic ranking when configured', () => {
    const o = azureSearchOptions({ endpoint: 'https://x.search.windows.net', key: 'k', index: 'docs', vector_field: 'vector', semantic_configuration: 'sem' }, 'water', 4);
    expect(o.top).toBe(4);
    expect(o.vectorSearchOptions?.queries[0]).toMatchObject({ kind: 'text', text: 'water', fields: ['vector'], kNearestNeighborsCount: 4 });
    expect(o).toMatchObject({ queryType: 'semantic', semanticSearchOptions: { configurationName: 'sem' } });
    expect(azureSearchOptions({ endpoint: 'https://x', key: 'k', index: 'i' }, 'q', 2).vectorSearchOptions).toBeUndefined();
  });
});
