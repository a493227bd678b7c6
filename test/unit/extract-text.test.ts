import { describe, expect, it } from 'vitest';
import { extractText } from '../../src/engine/files/extract-text.js';
import { makeDocx, makePdf } from '../fixtures/documents.js';

describe('extractText (Flowise File Loader text)', () => {
  it('reads a PDF page by page, or as one file', async () => {
    const pdf = makePdf(['The first page talks about otters.', 'The second page (with brackets) about beavers.']);
    const file = { name: 'animals.pdf', data: pdf, kind: 'pdf' as const, mime: 'application/pdf' };
    expect(await extractText(file)).toBe('The first page talks about otters.\nThe second page (with brackets) about beavers.');
    expect(await extractText(file, { pdfUsage: 'perFile' })).toContain('otters.\n\nThe second');
  });

  it('reads the raw text of a DOCX', async () => {
    const docx = await makeDocx(['Heading line', 'Body with <angle> & ampersand']);
    const text = await extractText({ name: 'memo.docx', data: docx, kind: 'docx', mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' });
    expect(text.trim()).toBe('Heading line\n\nBody with <angle> & ampersand');
  });

  it('reads CSV rows as column: value lines and JSON as its string values', async () => {
    const csv = Buffer.from('\uFEFFname,colour\nSky,blue\n"Grass, wet",green\n');
    expect(await extractText({ name: 'c.csv', data: csv, kind: 'text', mime: 'text/csv' })).toBe('name: Sky\ncolour: blue\nname: Grass, wet\ncolour: green');
    const json = Buffer.from(JSON.stringify({ a: 'one', b: [2, 'two', { c: 'three' }], d: null }));
    expect(await extractText({ name: 'j.json', data: json, kind: 'text', mime: 'application/json' })).toBe('one\ntwo\nthree');
    await expect(extractText({ name: 'bad.json', data: Buffer.from('{'), kind: 'text', mime: 'application/json' })).rejects.toThrow(/bad\.json is not valid JSON/);
  });

  it('reads other text types as UTF-8', async () => {
    expect(await extractText({ name: 'n.md', data: Buffer.from('# Titel — ü'), kind: 'text', mime: 'text/markdown' })).toBe('# Titel — ü');
  });
});
