import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { isFlowDataShape } from '../../engine/graph/flow-definition.js';
import { packageRoot } from '../../shared/package-info.js';

/**
 * One template of `GET /api/v1/marketplaces/templates`, with the field names of Flowise's marketplaces
 * service (`services/marketplaces/index.ts`). `flowData` is the file's text, as Flowise serves it.
 */
export interface MarketplaceTemplate {
  id: string;
  templateName: string;
  flowData: string;
  badge: string;
  framework: string[];
  usecases: string[];
  /** The categories of the template's nodes, each once, in node order. */
  categories: string[];
  type: 'Chatflow';
  description: string;
}

interface TemplateFile {
  templateName?: unknown;
  description?: unknown;
  badge?: unknown;
  framework?: unknown;
  usecases?: unknown;
  nodes: Array<{ data?: { category?: unknown } }>;
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** The shipped example flows (`examples/*.json`) as marketplace templates, sorted by name. */
export async function loadTemplates(dir = path.join(packageRoot(), 'examples')): Promise<MarketplaceTemplate[]> {
  const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  const templates: MarketplaceTemplate[] = [];
  for (const file of files) {
    const text = await fs.readFile(path.join(dir, file), 'utf8');
    // A file that is not a flow is a packaging mistake: fail loudly rather than serve half a gallery.
    if (!isFlowDataShape(text)) throw new Error(`examples/${file} is not a chatflow (nodes and edges)`);
    const flow = JSON.parse(text) as TemplateFile;
    const base = file.slice(0, -'.json'.length);
    templates.push({
      // Stable (Flowise draws a new uuid per call): the file name identifies a shipped template.
      id: base,
      templateName: typeof flow.templateName === 'string' ? flow.templateName : base,
      flowData: text,
      badge: typeof flow.badge === 'string' ? flow.badge : '',
      framework: strings(flow.framework),
      usecases: strings(flow.usecases),
      categories: [...new Set(flow.nodes.map((n) => n.data?.category).filter((c): c is string => typeof c === 'string' && c !== ''))],
      type: 'Chatflow',
      description: typeof flow.description === 'string' ? flow.description : '',
    });
  }
  return templates.sort((a, b) => a.templateName.localeCompare(b.templateName));
}

/** Flowise's marketplace templates, served from the example flows the project ships (read once). */
export async function marketplaceRoutes(app: FastifyInstance): Promise<void> {
  let templates: Promise<MarketplaceTemplate[]> | undefined;
  app.get('/api/v1/marketplaces/templates', async () => {
    templates ??= loadTemplates().catch((error: unknown) => {
      templates = undefined;
      throw error;
    });
    return templates;
  });
}
