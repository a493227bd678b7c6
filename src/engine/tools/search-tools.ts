import { Tool } from '@langchain/core/tools';
import type { ToolRunnableConfig } from '@langchain/core/tools';

/**
 * Web search tools (LangChain community's SerpAPI, Serper and GoogleCustomSearch, written here on
 * `fetch` so their hosts come from configuration): each takes a query string and answers text for
 * the model. HTTP failures throw (the agent shows the model the error).
 */
const NOTHING_FOUND = 'No good search result found';

type Json = Record<string, unknown>;

async function getJson(url: string, init: RequestInit, what: string): Promise<Json> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${what} answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
  return (await response.json()) as Json;
}

const record = (value: unknown): Json => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
const firstString = (source: Json, keys: string[]) => keys.map((key) => source[key]).find((v): v is string => typeof v === 'string' && v !== '');

/** The most useful text of a Google-like result page: an answer box, a knowledge graph, the first hit. */
function bestSnippet(answerBox: unknown, knowledgeGraph: unknown, organic: unknown): string {
  const answer = firstString(record(answerBox), ['answer', 'result', 'snippet']);
  if (answer) return answer;
  const knowledge = firstString(record(knowledgeGraph), ['description']);
  if (knowledge) return knowledge;
  const first = record(Array.isArray(organic) ? organic[0] : undefined);
  return firstString(first, ['snippet', 'title', 'link']) ?? NOTHING_FOUND;
}

export class SerpAPI extends Tool {
  static override lc_name() {
    return 'SerpAPI';
  }

  override name = 'search';

  override description = 'Searches the web (Google results through SerpAPI). Useful for current events and facts. Input: a search query.';

  constructor(private readonly apiKey: string, private readonly baseUrl: string) {
    super();
  }

  async _call(input: string, _runManager?: unknown, config?: ToolRunnableConfig): Promise<string> {
    const params = new URLSearchParams({ api_key: this.apiKey, q: input });
    const body = await getJson(`${this.baseUrl}/search?${params}`, { signal: config?.signal ?? null }, 'SerpAPI');
    if (typeof body.error === 'string') throw new Error(`SerpAPI: ${body.error}`);
    const answerBox = Array.isArray(body.answer_box_list) ? body.answer_box_list[0] : body.answer_box;
    return bestSnippet(answerBox, body.knowledge_graph, body.organic_results);
  }
}

export class Serper extends Tool {
  static override lc_name() {
    return 'Serper';
  }

  override name = 'search';

  override description = 'Searches the web (Google results through Serper). Useful for current events and facts. Input: a search query.';

  constructor(private readonly apiKey: string, private readonly baseUrl: string) {
    super();
  }

  async _call(input: string, _runManager?: unknown, config?: ToolRunnableConfig): Promise<string> {
    const body = await getJson(
      `${this.baseUrl}/search`,
      { method: 'POST', headers: { 'x-api-key': this.apiKey, 'content-type': 'application/json' }, body: JSON.stringify({ q: input }), signal: config?.signal ?? null },
      'Serper',
    );
    return bestSnippet(body.answerBox, body.knowledgeGraph, body.organic);
  }
}

export class GoogleCustomSearch extends Tool {
  static override lc_name() {
    return 'GoogleCustomSearch';
  }

  override name = 'google-custom-search';

  override description = 'Searches the web with a Google Programmable Search Engine. Useful for current events. Input: a search query. Output: a JSON array of results (title, link, snippet).';

  constructor(private readonly apiKey: string, private readonly engineId: string, private readonly baseUrl: string) {
    super();
  }

  async _call(input: string, _runManager?: unknown, config?: ToolRunnableConfig): Promise<string> {
    const params = new URLSearchParams({ key: this.apiKey, cx: this.engineId, q: input });
    const body = await getJson(`${this.baseUrl}?${params}`, { signal: config?.signal ?? null }, 'Google Custom Search');
    const items = Array.isArray(body.items) ? body.items.map(record) : [];
    if (items.length === 0) return NOTHING_FOUND;
    return JSON.stringify(items.map((item) => ({ title: item.title ?? '', link: item.link ?? '', snippet: item.snippet ?? '' })));
  }
}
