import { FlowValidationError } from '../../errors.js';
import { asNumber, asString } from '../input-values.js';
import type { BuildContext } from '../node-definition.js';
import { TEXT_SPLITTER_INPUT, type FlowDocument, loaderNode, splitDocuments } from './loader-common.js';

type CheerioApi = import('cheerio').CheerioAPI;

/** A page through the outbound policy (private addresses refused unless HTTP_ALLOW_LIST lists them). */
async function fetchPage(ctx: BuildContext, url: string): Promise<{ url: string; html: string }> {
  const outbound = ctx.run.services.outbound;
  if (!outbound) throw new FlowValidationError(`Node ${ctx.nodeId} (cheerioWebScraper): web requests are not available in this process`, ctx.nodeId);
  const response = await outbound.fetch(url, { signal: ctx.run.signal, headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } });
  if (!response.ok) throw new Error(`${url} answered ${response.status} ${response.statusText}`);
  return { url: response.url, html: response.text() };
}

/** Same-origin pages linked from `start`, breadth first, up to `limit` (0 = no limit), `start` first. */
async function crawl(ctx: BuildContext, start: string, limit: number, load: (html: string) => CheerioApi): Promise<string[]> {
  const origin = new URL(start).origin;
  const seen = new Set<string>([start]);
  const queue = [start];
  const pages: string[] = [];
  while (queue.length > 0 && (limit === 0 || pages.length < limit)) {
    const url = queue.shift()!;
    let html: string;
    try {
      html = (await fetchPage(ctx, url)).html;
    } catch {
      continue; // an unreachable page is left out, as Flowise's crawler does
    }
    pages.push(url);
    const $ = load(html);
    $('a[href]').each((_, element) => {
      try {
        const link = new URL($(element).attr('href')!, url);
        link.hash = '';
        if (link.origin === origin && !seen.has(link.href)) {
          seen.add(link.href);
          queue.push(link.href);
        }
      } catch {
        // not a URL
      }
    });
  }
  return pages;
}

/** The `<loc>` URLs of an XML sitemap, up to `limit` (0 = all). */
async function sitemap(ctx: BuildContext, url: string, limit: number, load: (html: string, xml: boolean) => CheerioApi): Promise<string[]> {
  const $ = load((await fetchPage(ctx, url)).html, true);
  const locations = $('loc')
    .map((_, element) => $(element).text().trim())
    .get()
    .filter((loc: string) => loc !== '');
  return limit === 0 ? locations : locations.slice(0, limit);
}

/**
 * Flowise `cheerioWebScraper` (v2): the text of a web page (or of the pages a crawl or a sitemap finds),
 * under a CSS selector (default `body`), one document per page with its `source` and `title`. Every
 * request goes through the outbound policy; a page that fails or is refused is left out, except the
 * only page asked for, whose failure is the error.
 */
export const cheerioWebScraper = loaderNode({
  name: 'cheerioWebScraper',
  label: 'Cheerio Web Scraper',
  version: 2,
  description: 'Reads the text of web pages: one page, the pages it links to, or those of a sitemap.',
  icon: 'cheerio',
  splitsItself: true,
  inputs: [
    { name: 'url', kind: 'param', type: 'string', label: 'URL', placeholder: 'https://example.com/docs' },
    TEXT_SPLITTER_INPUT,
    {
      name: 'relativeLinksMethod',
      kind: 'param',
      type: 'options',
      label: 'Get Relative Links Method',
      optional: true,
      additionalParams: true,
      description: 'Also read the pages this page links to, or those listed in an XML sitemap at the URL',
      options: [
        { label: 'Web Crawl', name: 'webCrawl', description: 'Follow links on the page to pages of the same site' },
        { label: 'Scrape XML Sitemap', name: 'scrapeXMLSitemap', description: 'Read the pages an XML sitemap lists' },
      ],
    },
    {
      name: 'limit',
      kind: 'param',
      type: 'number',
      label: 'Get Relative Links Limit',
      optional: true,
      additionalParams: true,
      default: '10',
      step: 1,
      description: 'Most pages read with a relative-links method; 0 reads them all',
    },
    {
      name: 'selector',
      kind: 'param',
      type: 'string',
      label: 'Selector (CSS)',
      optional: true,
      additionalParams: true,
      placeholder: 'article',
      description: 'Only the text of the elements this CSS selector picks',
    },
  ],
  async load(ctx) {
    const raw = asString(ctx.inputs.url)?.trim();
    let url: string;
    try {
      url = new URL(raw ?? '').href;
    } catch {
      throw new FlowValidationError(`Node ${ctx.nodeId} (cheerioWebScraper): "${raw ?? ''}" is not a valid URL`, ctx.nodeId);
    }
    const method = asString(ctx.inputs.relativeLinksMethod);
    const limit = Math.trunc(asNumber(ctx.inputs.limit) ?? 10);
    if (limit < 0) throw new FlowValidationError(`Node ${ctx.nodeId} (cheerioWebScraper): the links limit cannot be below 0`, ctx.nodeId);
    const selector = asString(ctx.inputs.selector) ?? 'body';
    const cheerio = await import('cheerio');
    const load = (html: string, xml = false) => cheerio.load(html, xml ? { xml: true } : {});
    try {
      load('<p></p>')(selector);
    } catch (error) {
      throw new FlowValidationError(`Node ${ctx.nodeId} (cheerioWebScraper): invalid CSS selector "${selector}" (${(error as Error).message})`, ctx.nodeId);
    }
    let pages = [url];
    if (method === 'webCrawl') pages = await crawl(ctx, url, limit, load);
    else if (method === 'scrapeXMLSitemap') pages = await sitemap(ctx, url, limit, load);
    if (pages.length === 0) throw new FlowValidationError(`Node ${ctx.nodeId} (cheerioWebScraper): no relative links found at ${url}`, ctx.nodeId);
    const docs: FlowDocument[] = [];
    for (const page of pages) {
      // Flowise leaves PDFs to the PDF loader.
      if (new URL(page).pathname.toLowerCase().endsWith('.pdf')) continue;
      let fetched: { url: string; html: string };
      try {
        fetched = await fetchPage(ctx, page);
      } catch (error) {
        if (pages.length > 1) continue;
        ctx.run.signal.throwIfAborted();
        // Ours already names the node (no "Node x: Node x: …").
        if (error instanceof FlowValidationError) throw error;
        throw new FlowValidationError(`Node ${ctx.nodeId} (cheerioWebScraper): ${(error as Error).message}`, ctx.nodeId);
      }
      const $ = load(fetched.html);
      const text = $(selector).text();
      docs.push(...(await splitDocuments([{ pageContent: text, metadata: { source: page, title: $('title').text() } }], ctx)));
    }
    return docs;
  },
});
