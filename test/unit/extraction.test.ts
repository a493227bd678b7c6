import { afterAll, describe, expect, it } from 'vitest';
import { TextBudget, fileText, inThreadExtractor } from '../../src/engine/files/document-extractor.js';
import { stripNul, zipSizes } from '../../src/engine/files/parse-documents.js';
import { ExtractionPool } from '../../src/extraction/extraction-pool.js';
import { docxBomb, makeDocx, makePdf } from '../fixtures/documents.js';

describe('document extraction', () => {
  const pool = new ExtractionPool({ maxFileChars: 2000, maxRequestChars: 3000 });
  afterAll(() => pool.close());

  it('reads PDFs and DOCX files on worker threads, with the text of every page', async () => {
    const pdf = await pool.pdf({ name: 'a.pdf', data: makePdf(['Otters swim.', 'Beavers build.']) });
    expect(pdf.pages).toEqual(['Otters swim.', 'Beavers build.']);
    expect(pdf.totalPages).toBe(2);
    expect(await pool.docx({ name: 'a.docx', data: await makeDocx(['One', 'Two']) })).toBe('One\n\nTwo\n\n');
  });

  it('refuses a decompression bomb from its declared sizes, and text over the limit, with 413 naming the file', async () => {
    const bomb = await docxBomb(400000);
    const sizes = zipSizes(bomb, 'bomb.docx');
    expect(sizes.uncompressed / bomb.length).toBeGreaterThan(100);
    await expect(pool.docx({ name: 'bomb.docx', data: bomb })).rejects.toMatchObject({ status: 413, message: expect.stringMatching(/bomb\.docx unpacks to .* decompression bomb/) });
    await expect(inThreadExtractor({ maxFileChars: 2000, maxRequestChars: 3000 }).docx({ name: 'bomb.docx', data: bomb })).rejects.toMatchObject({ status: 413 });
    const long = makePdf(Array.from({ length: 50 }, (_, i) => `Page ${i} `.padEnd(80, 'z')));
    await expect(pool.pdf({ name: 'long.pdf', data: long })).rejects.toMatchObject({ status: 413, message: expect.stringMatching(/long\.pdf holds more than 2000 characters/) });
    await expect(pool.docx({ name: 'nope.docx', data: Buffer.from('not a zip') })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/nope\.docx is not a readable \.docx/) });
    await expect(pool.pdf({ name: 'nope.pdf', data: Buffer.from('not a pdf') })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/nope\.pdf is not a readable PDF/) });
  });

  it('keeps the event loop free while a worker parses', async () => {
    // A large but legitimate DOCX (within the limits) takes the worker a while; timers here keep firing.
    const big = new ExtractionPool({ maxFileChars: 50_000_000, maxRequestChars: 50_000_000 });
    try {
      const file = await makeDocx(Array.from({ length: 60000 }, (_, i) => `Paragraph ${i} of a long report.`));
      let ticks = 0;
      const timer = setInterval(() => (ticks += 1), 5);
      const text = await big.docx({ name: 'report.docx', data: file });
      clearInterval(timer);
      expect(text).toContain('Paragraph 59999 of a long report.');
      expect(ticks).toBeGreaterThan(3);
    } finally {
      await big.close();
    }
  });

  it('stops a parse when its signal aborts', async () => {
    const controller = new AbortController();
    const parse = pool.docx({ name: 'a.docx', data: await makeDocx(['x']) }, controller.signal);
    controller.abort(new Error('stop'));
    await expect(parse).rejects.toThrow(/stop/);
  });

  it('counts text per file and per request', () => {
    const budget = new TextBudget({ maxFileChars: 10, maxRequestChars: 15 });
    budget.take(10, 'a.txt');
    expect(() => budget.take(11, 'b.txt')).toThrow(/b\.txt holds 11 characters.*UPLOAD_MAX_TEXT_SIZE/);
    expect(() => budget.take(6, 'c.txt')).toThrow(/c\.txt takes .* 16 characters.*UPLOAD_MAX_REQUEST_TEXT_SIZE/);
  });

  it('decodes UTF-8, UTF-16 with a byte-order mark and Latin-1, and strips NUL everywhere', () => {
    expect(fileText(Buffer.from('\uFEFFcafé', 'utf8'))).toBe('café');
    expect(fileText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('café ü', 'utf16le')]))).toBe('café ü');
    const be = Buffer.from('ok é', 'utf16le').swap16();
    expect(fileText(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toBe('ok é');
    expect(fileText(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0xfc]))).toBe('café ü');
    expect(fileText(Buffer.from('a\0b'))).toBe('ab');
    expect(stripNul({ 'k\0ey': ['v\0', { deep: 'x\0y' }], n: 1 })).toEqual({ key: ['v', { deep: 'xy' }], n: 1 });
  });
});
