import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registry } from './engine-harness.js';
import type { BuildContext, EngineServices, RunContext } from '../../src/engine/nodes/node-definition.js';
import { dataUri, makeDocx, makePdf } from '../fixtures/documents.js';
import { HttpTarget } from '../support/http-target.js';
import { OutboundPolicy } from '../../src/security/outbound-policy.js';

/** Builds one node of the registry with the given inputs (what the engine does once references are resolved). */
async function build(name: string, inputs: Record<string, unknown>, outputs: Record<string, unknown> = {}, files?: EngineServices['files']) {
  const definition = registry.get(name)!;
  const run = {
    chatflowId: 'flow-1',
    signal: new AbortController().signal,
    services: { llm: { maxRetries: 0 }, ...(files ? { files } : {}) },
  } as unknown as RunContext;
  const ctx: BuildContext = { nodeId: `${name}_0`, label: definition.label, inputs, credential: {}, outputs, run };
  return definition.build(ctx);
}

type Docs = Array<{ pageContent: string; metadata: Record<string, unknown> }>;

describe('document loaders', () => {
  let splitter: unknown;
  beforeAll(async () => {
    splitter = await build('recursiveCharacterTextSplitter', { chunkSize: 30, chunkOverlap: 0 });
  });

  it('textFile reads data URIs, splits, merges Additional Metadata and drops omitted keys', async () => {
    const docs = (await build('textFile', {
      txtFile: JSON.stringify([dataUri('a.txt', 'text/plain', 'alpha beta gamma delta epsilon zeta eta theta'), dataUri('b.md', 'text/markdown', 'short')]),
      textSplitter: splitter,
      metadata: '{"team":"docs"}',
      omitMetadataKeys: 'blobType, loc.lines',
    })) as Docs;
    expect(docs.length).toBeGreaterThan(2);
    expect(docs.every((d) => d.pageContent.length <= 30)).toBe(true);
    expect(docs[0]!.metadata).toMatchObject({ source: 'a.txt', team: 'docs' });
    expect(docs[0]!.metadata).not.toHaveProperty('blobType');
    expect(docs[0]!.metadata.loc).toEqual({});
    expect(docs.at(-1)).toEqual({ pageContent: 'short', metadata: { source: 'b.md', team: 'docs', loc: {} } });
  });

  it('reads FILE-STORAGE names through the run\'s file store, and * keeps only the Additional Metadata', async () => {
    const asked: string[][] = [];
    const files: EngineServices['files'] = {
      load: async (scope, names) => {
        asked.push([scope.chatflowId, ...names]);
        return names.map((name) => ({ name, mime: 'text/plain', data: Buffer.from(`content of ${name}`) }));
      },
    };
    const docs = (await build('textFile', { txtFile: 'FILE-STORAGE::["x.txt"]', metadata: { k: 1 }, omitMetadataKeys: '*' }, {}, files)) as Docs;
    expect(asked).toEqual([['flow-1', 'x.txt']]);
    expect(docs).toEqual([{ pageContent: 'content of x.txt', metadata: { k: 1 } }]);
    // A bare name (not an array), as Flowise also accepts.
    const bare = (await build('textFile', { txtFile: 'FILE-STORAGE::handbook.txt', omitMetadataKeys: '*' }, {}, files)) as Docs;
    expect(asked.at(-1)).toEqual(['flow-1', 'handbook.txt']);
    expect(bare).toEqual([{ pageContent: 'content of handbook.txt', metadata: {} }]);
  });

  it('the text output joins page contents, one per line', async () => {
    const text = await build('plainText', { text: 'one two three four five six seven eight nine ten', textSplitter: splitter }, { output: 'text' });
    expect(text).toBe('one two three four five six\nseven eight nine ten\n');
  });

  it('a loader without a file gives no documents', async () => {
    expect(await build('pdfFile', { pdfFile: '' })).toEqual([]);
  });

  it('pdfFile gives a document per page, or one per file', async () => {
    const pdf = dataUri('guide.pdf', 'application/pdf', makePdf(['First page about bakeries', 'Second page about garages']));
    const pages = (await build('pdfFile', { pdfFile: pdf, usage: 'perPage' })) as Docs;
    expect(pages.map((d) => d.pageContent)).toEqual(['First page about bakeries', 'Second page about garages']);
    expect(pages[1]!.metadata).toMatchObject({ source: 'guide.pdf', loc: { pageNumber: 2 }, pdf: { totalPages: 2 } });
    const whole = (await build('pdfFile', { pdfFile: pdf, usage: 'perFile' })) as Docs;
    expect(whole).toHaveLength(1);
    expect(whole[0]!.pageContent).toBe('First page about bakeries\n\nSecond page about garages');
    await expect(build('pdfFile', { pdfFile: dataUri('bad.pdf', 'application/pdf', 'not a pdf') })).rejects.toThrow(/bad\.pdf is not a readable PDF/);
  });

  it('docxFile reads the text of a Word document', async () => {
    const docx = dataUri('memo.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', await makeDocx(['Hello from Word', 'Second paragraph']));
    const docs = (await build('docxFile', { docxFile: docx })) as Docs;
    expect(docs).toHaveLength(1);
    expect(docs[0]!.pageContent).toContain('Hello from Word');
    expect(docs[0]!.pageContent).toContain('Second paragraph');
    expect(docs[0]!.metadata.source).toBe('memo.docx');
  });

  it('csvFile gives a document per row, or one column', async () => {
    const csv = dataUri('people.csv', 'text/csv', 'name,city\nAda,London\nLin,Taipei\n');
    const rows = (await build('csvFile', { csvFile: csv })) as Docs;
    expect(rows.map((d) => d.pageContent)).toEqual(['name: Ada\ncity: London', 'name: Lin\ncity: Taipei']);
    expect(rows[1]!.metadata).toMatchObject({ source: 'people.csv', line: 2 });
    const cities = (await build('csvFile', { csvFile: csv, columnName: 'city' })) as Docs;
    expect(cities.map((d) => d.pageContent)).toEqual(['London', 'Taipei']);
    await expect(build('csvFile', { csvFile: csv, columnName: 'zip' })).rejects.toThrow(/column "zip" not found/);
  });

  it('jsonFile extracts strings, pointer values, objects and pointer metadata', async () => {
    const json = dataUri('items.json', 'application/json', JSON.stringify([{ url: 'u1', body: 'first body', n: 1 }, { url: 'u2', body: 'second body', n: 2 }]));
    const all = (await build('jsonFile', { jsonFile: json })) as Docs;
    expect(all.map((d) => d.pageContent)).toEqual(['u1', 'first body', 'u2', 'second body']);
    const bodies = (await build('jsonFile', { jsonFile: json, pointersName: 'body', metadata: '{"link":"/url","kind":"faq"}' })) as Docs;
    expect(bodies.map((d) => [d.pageContent, d.metadata.link, d.metadata.kind])).toEqual([
      ['first body', 'u1', 'faq'],
      ['second body', 'u2', 'faq'],
    ]);
    const objects = (await build('jsonFile', { jsonFile: json, separateByObject: true })) as Docs;
    expect(objects[0]!.pageContent).toBe('url: u1\nbody: first body\nn: 1');
  });
});

describe('text splitters', () => {
  const split = async (name: string, inputs: Record<string, unknown>, text: string) =>
    ((await build(name, inputs)) as { splitText(t: string): Promise<string[]> }).splitText(text);

  it('characterTextSplitter cuts on its separator', async () => {
    expect(await split('characterTextSplitter', { chunkSize: 5, chunkOverlap: 0, separator: '|' }, 'aaa|bbb|ccc')).toEqual(['aaa', 'bbb', 'ccc']);
  });

  it('markdownTextSplitter can cut at headers', async () => {
    const text = '# Title\nintro\n## One\nfirst\n## Two\nsecond';
    expect(await split('markdownTextSplitter', { splitByHeaders: 'h2' }, text)).toEqual(['# Title\nintro', '## One\nfirst', '## Two\nsecond']);
  });

  it('tokenTextSplitter counts tokens with bundled ranks (no download)', async () => {
    const chunks = await split('tokenTextSplitter', { encodingName: 'cl100k_base', chunkSize: 4, chunkOverlap: 0 }, 'one two three four five six seven eight nine');
    expect(chunks.join('')).toBe('one two three four five six seven eight nine');
    expect(chunks.length).toBeGreaterThan(1);
    const { offlineTokenizer } = await import('../../src/engine/nodes/splitters/offline-tokenizer.js');
    const encoder = await offlineTokenizer('cl100k_base');
    expect(chunks.every((c) => encoder.encode(c).length <= 4)).toBe(true);
  });

  it('an overlap as large as the chunk names both numbers', async () => {
    await expect(build('recursiveCharacterTextSplitter', { chunkSize: 100 })).rejects.toThrow(/chunkOverlap \(200\).*chunkSize \(100\)/);
  });
});

afterAll(() => undefined);

describe('cheerioWebScraper (through the outbound policy)', () => {
  const site = new HttpTarget();
  const html = (title: string, body: string) => (_: unknown, res: import('node:http').ServerResponse) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<html><head><title>${title}</title></head><body>${body}</body></html>`);
  beforeAll(async () => {
    site
      .route('/', html('Home', '<nav>menu</nav><article>Welcome home.</article><a href="/a">A</a><a href="/b#x">B</a><a href="https://elsewhere.example/">out</a>'))
      .route('/a', html('Page A', '<article>Alpha page.</article><a href="/">home</a>'))
      .route('/b', html('Page B', '<article>Beta page.</article>'))
      .route('/sitemap.xml', (_, res) =>
        res.writeHead(200, { 'content-type': 'application/xml' }).end(`<urlset><url><loc>${site.url}/b</loc></url><url><loc>${site.url}/a</loc></url></urlset>`),
      );
    await site.start();
  });
  afterAll(async () => site.stop());

  const policy = (allowList: string[]) => new OutboundPolicy({ allowList, denyList: [], maxResponseBytes: 1_000_000, timeoutMs: 5000, maxRedirects: 3 });
  const scrape = async (inputs: Record<string, unknown>, allowList = ['127.0.0.1']) => {
    const definition = registry.get('cheerioWebScraper')!;
    const run = { chatflowId: 'f', signal: new AbortController().signal, services: { llm: { maxRetries: 0 }, outbound: policy(allowList) } } as unknown as RunContext;
    return (await definition.build({ nodeId: 'cheerioWebScraper_0', label: 'Cheerio', inputs, credential: {}, outputs: {}, run })) as Docs;
  };

  it('reads a page\'s text under a selector, with source and title', async () => {
    expect(await scrape({ url: `${site.url}/`, selector: 'article' })).toEqual([
      { pageContent: 'Welcome home.', metadata: { source: `${site.url}/`, title: 'Home' } },
    ]);
  });

  it('crawls same-site links up to the limit, and reads a sitemap', async () => {
    const crawled = await scrape({ url: `${site.url}/`, selector: 'article', relativeLinksMethod: 'webCrawl', limit: '0' });
    expect(crawled.map((d) => d.pageContent)).toEqual(['Welcome home.', 'Alpha page.', 'Beta page.']);
    expect((await scrape({ url: `${site.url}/`, relativeLinksMethod: 'webCrawl', limit: '2', selector: 'article' })).map((d) => d.metadata.title)).toEqual(['Home', 'Page A']);
    const mapped = await scrape({ url: `${site.url}/sitemap.xml`, relativeLinksMethod: 'scrapeXMLSitemap', selector: 'article' });
    expect(mapped.map((d) => d.pageContent)).toEqual(['Beta page.', 'Alpha page.']);
  });

  it('a private address is refused unless HTTP_ALLOW_LIST lists it; a bad selector is named', async () => {
    await expect(scrape({ url: `${site.url}/` }, [])).rejects.toThrow(/cheerioWebScraper_0.*(not allowed|refused|denied)/i);
    await expect(scrape({ url: `${site.url}/`, selector: 'a[' })).rejects.toThrow(/invalid CSS selector/);
    await expect(scrape({ url: 'not a url' })).rejects.toThrow(/not a valid URL/);
    // Without web requests in the process, the node is named once.
    const definition = registry.get('cheerioWebScraper')!;
    const bare = { chatflowId: 'f', signal: new AbortController().signal, services: { llm: { maxRetries: 0 } } } as unknown as RunContext;
    const error = await definition.build({ nodeId: 'cheerioWebScraper_0', label: 'Cheerio', inputs: { url: `${site.url}/` }, credential: {}, outputs: {}, run: bare }).catch((e: Error) => e);
    expect((error as Error).message).toBe('Node cheerioWebScraper_0 (cheerioWebScraper): web requests are not available in this process');
  });
});
