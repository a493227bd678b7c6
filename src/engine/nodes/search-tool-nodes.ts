import { TOOL_BASE_CLASSES } from '../tools/agent-tool.js';
import { requireCredentialField } from './chat-model-inputs.js';
import type { NodeDefinition } from './node-definition.js';
import { DEFAULT_ENDPOINTS } from './service-endpoints.js';


const searchTools = async () => import('../tools/search-tools.js');


export const serpAPI: NodeDefinition = {
  name: 'serpAPI',
  label: 'Serp API',
  version: 1,
  type: 'SerpAPI',
  description: 'A web search tool: Google results through SerpAPI.',
  icon: 'serp',
  category: 'Tools',
  baseClasses: ['SerpAPI', ...TOOL_BASE_CLASSES],
  credential: { names: ['serpApi'], fields: ['serpApiKey'], optional: false },
  inputs: [],
  async build(ctx) {
    const key = requireCredentialField(ctx, 'serpApiKey', 'serpApi');
    return new (await searchTools()).SerpAPI(key, ctx.run.services.endpoints?.serpApi ?? DEFAULT_ENDPOINTS.serpApi);
  },
};

export const serper: NodeDefinition = {
  name: 'serper',
  label: 'Serper',
  version: 1,
  type: 'Serper',
  description: 'A web search tool: Google results through Serper.dev.',
  icon: 'serper',
  category: 'Tools',
  baseClasses: ['Serper', ...TOOL_BASE_CLASSES],
  credential: { names: ['serperApi'], fields: ['serperApiKey'], optional: false },
  inputs: [],
  async build(ctx) {
    const key = requireCredentialField(ctx, 'serperApiKey', 'serperApi');
    return new (await searchTools()).Serper(key, ctx.run.services.endpoints?.serper ?? DEFAULT_ENDPOINTS.serper);
  },
};

export const googleCustomSearch: NodeDefinition = {
  name: 'googleCustomSearch',
  label: 'Google Custom Search',
  version: 1,
  type: 'GoogleCustomSearchAPI',
  description: 'A web search tool: a Google Programmable Search Engine.',
  icon: 'google',
  category: 'Tools',
  baseClasses: ['GoogleCustomSearchAPI', ...TOOL_BASE_CLASSES],
  credential: { names: ['googleCustomSearchApi'], fields: ['googleCustomSearchApiKey', 'googleCustomSearchApiId'], optional: false },
  inputs: [],
  async build(ctx) {
    const key = requireCredentialField(ctx, 'googleCustomSearchApiKey', 'googleCustomSearchApi');
    const engine = requireCredentialField(ctx, 'googleCustomSearchApiId', 'googleCustomSearchApi');
    const base = ctx.run.services.endpoints?.googleCustomSearch ?? DEFAULT_ENDPOINTS.googleCustomSearch;
    return new (await searchTools()).GoogleCustomSearch(key, engine, base);
  },
};
