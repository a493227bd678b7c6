import type { CatalogueNode } from './types.js';

/** Matches every word of the query against label, name, category and description. */
export function searchNodes(nodes: readonly CatalogueNode[], query: string): CatalogueNode[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...nodes];
  return nodes.filter((node) => {
    const text = `${node.label} ${node.name} ${node.category} ${node.description}`.toLowerCase();
    return words.every((word) => text.includes(word));
  });
}

/** What the palette shows: matches grouped by category (categories A–Z, catalogue order inside). */
export interface PaletteView {
  groups: Array<[category: string, nodes: CatalogueNode[]]>;
  /** The same nodes in the order they appear on screen: Enter and the arrow keys walk this list. */
  shown: CatalogueNode[];
}

export function paletteView(nodes: readonly CatalogueNode[], query: string): PaletteView {
  const groups = new Map<string, CatalogueNode[]>();
  for (const node of searchNodes(nodes, query)) groups.set(node.category, [...(groups.get(node.category) ?? []), node]);
  const sorted = [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
  return { groups: sorted, shown: sorted.flatMap(([, list]) => list) };
}

/** The highlighted index after an arrow key, staying within the list (no wrap). */
export function moveHighlight(index: number, delta: number, length: number): number {
  if (length === 0) return 0;
  return Math.min(length - 1, Math.max(0, index + delta));
}
