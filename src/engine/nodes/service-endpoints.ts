import type { ServiceEndpoints } from './node-definition.js';

/** The public hosts, used when configuration names none (README: SERPAPI_BASE_URL and the others). */
export const DEFAULT_ENDPOINTS: ServiceEndpoints = {
  serpApi: 'https://serpapi.com',
  serper: 'https://google.serper.dev',
  googleCustomSearch: 'https://www.googleapis.com/customsearch/v1',
  openAIModeration: 'https://api.openai.com/v1',
};
