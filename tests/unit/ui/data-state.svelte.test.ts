/**
 * The data step's file and paste handling: a Latin-1 file is read as Windows-1252 with a
 * warning, a file over the browser's limit waits for the user before it is parsed, and a 5 MB
 * paste parses.
 */
import { describe, expect, it, vi } from 'vitest';
import { parseDataset } from '../../../src/core/data';
import { BROWSER_DATA_WARN_BYTES, DataState, type DataParser } from '../../../src/ui/setup/data-state.svelte';

const parser = (): DataParser & { parseData: ReturnType<typeof vi.fn> } => ({
  parseData: vi.fn(async (text: string) => parseDataset(text)),
});

const file = (parts: BlobPart[], name: string) => Object.assign(new Blob(parts), { name });

describe('DataState files and pastes', () => {
  it('reads a Latin-1 file as Windows-1252 and keeps a warning with the line', async () => {
    const data = new DataState();
    const p = parser();
    await data.loadFile(file([Buffer.from('q,a\nfine,x\ncafé,y\n', 'latin1')], 'latin1.csv'), p);
    expect(data.text).toContain('café');
    expect(data.table?.rows).toHaveLength(2);
    expect(data.fileWarnings).toEqual([expect.stringMatching(/line 3.*Windows-1252/)]);
    expect(data.loadedFile).toBeUndefined(); // small: its text goes in the textarea
  });

  it('warns before parsing a file over the limit, and parses it only when asked', async () => {
    const data = new DataState();
    const p = parser();
    const row = 'question text here,answer\n';
    const big = file(['q,a\n', row.repeat(Math.ceil((BROWSER_DATA_WARN_BYTES + 1) / row.length))], 'big.csv');
    await data.loadFile(big, p);
    expect(p.parseData).not.toHaveBeenCalled();
    expect(data.largeFile).toMatchObject({ name: 'big.csv', bytes: big.size });
    await data.parseLargeFile(p);
    expect(p.parseData).toHaveBeenCalledTimes(1);
    expect(data.largeFile).toBeUndefined();
    expect(data.table!.rows.length).toBeGreaterThan(500_000);
    // Too large for the textarea: named instead, also after a save and restore; a paste or Clear forgets it.
    expect(data.loadedFile).toEqual({ name: 'big.csv', bytes: big.size });
    const restored = new DataState();
    restored.restore(data.snapshot());
    expect(restored.loadedFile).toEqual({ name: 'big.csv', bytes: big.size });
    await restored.setText('q,a\nx,y\n', p);
    expect(restored.loadedFile).toBeUndefined();
    data.clear();
    expect(data.loadedFile).toBeUndefined();
  });

  it('parses a 5 MB paste', async () => {
    const data = new DataState();
    const text = `question,answer\n${Array.from({ length: 100_000 }, (_, i) => `what is item number ${i} of the list,answer ${i}`).join('\n')}\n`;
    expect(text.length).toBeGreaterThan(5_000_000);
    await data.setText(text, parser());
    expect(data.error).toBeUndefined();
    expect(data.table!.rows).toHaveLength(100_000);
    expect(data.largeFile).toBeUndefined();
    expect(data.loadedFile).toBeUndefined();
  });

  it('counts the rows from the worker\'s total when it sends only the first ones', async () => {
    const data = new DataState();
    const table = parseDataset('q,a\nx,y\nz,w\n');
    await data.setText('q,a\nx,y\nz,w\n', { parseData: async () => ({ ...table, rows: table.rows.slice(0, 1), totalRows: 2 }) });
    expect(data.rowCount).toBe(2);
    expect(data.previewRows).toHaveLength(1);
  });
});
