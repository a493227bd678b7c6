import { api } from './client';

/** A template of `GET /api/v1/marketplaces/templates` (Flowise's field names); `flowData` is JSON text. */
export interface MarketplaceTemplate {
  id: string;
  templateName: string;
  flowData: string;
  badge: string;
  framework: string[];
  usecases: string[];
  categories: string[];
  type: string;
  description: string;
}

export const loadTemplates = () => api<MarketplaceTemplate[]>('GET', '/marketplaces/templates');

/** The chatflow part of a template's flowData (nodes, edges, viewport), without the gallery's fields. */
export function templateFlow(template: MarketplaceTemplate): string {
  const { nodes, edges, viewport } = JSON.parse(template.flowData) as { nodes: unknown[]; edges: unknown[]; viewport?: unknown };
  return JSON.stringify(viewport === undefined ? { nodes, edges } : { nodes, edges, viewport });
}

/** The labels of a template's nodes, sticky notes left out. */
export function templateNodes(template: MarketplaceTemplate): string[] {
  const { nodes } = JSON.parse(template.flowData) as { nodes: Array<{ data?: { label?: string; name?: string } }> };
  return nodes.filter((n) => n.data?.name !== 'stickyNote').map((n) => n.data?.label ?? n.data?.name ?? '?');
}
