import { useMemo, useState } from 'react';
import { nodeIconUrl } from '../api/catalogue';
import type { CatalogueNode } from '../flow/types';

/** Matches every word of the query against label, name, category and description. */
export function searchNodes(nodes: readonly CatalogueNode[], query: string): CatalogueNode[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...nodes];
  return nodes.filter((node) => {
    const text = `${node.label} ${node.name} ${node.category} ${node.description}`.toLowerCase();
    return words.every((word) => text.includes(word));
  });
}

export const DRAG_TYPE = 'application/reactflow';

/** The node palette: search, drag a node onto the canvas, or pick it with Enter or a click. */
export function Palette({ nodes, onPick, onClose }: { nodes: CatalogueNode[]; onPick: (node: CatalogueNode) => void; onClose: () => void }) {
  const [query, setQuery] = useState('');
  const found = useMemo(() => searchNodes(nodes, query), [nodes, query]);
  const byCategory = useMemo(() => {
    const groups = new Map<string, CatalogueNode[]>();
    for (const node of found) groups.set(node.category, [...(groups.get(node.category) ?? []), node]);
    return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
  }, [found]);

  return (
    <aside className="palette" aria-label="Node palette">
      <div className="palette-head">
        <input
          type="search"
          aria-label="Search nodes"
          placeholder="Search nodes"
          autoFocus
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && found[0]) onPick(found[0]);
            if (e.key === 'Escape') onClose();
          }}
        />
        <button type="button" className="icon" aria-label="Close palette" onClick={onClose}>
          ×
        </button>
      </div>
      <div className="palette-list">
        {byCategory.length === 0 && <p className="empty">No node matches.</p>}
        {byCategory.map(([category, list]) => (
          <section key={category}>
            <h3>{category}</h3>
            <ul>
              {list.map((node) => (
                <li key={node.name}>
                  <button
                    type="button"
                    draggable
                    className="palette-item"
                    data-node-name={node.name}
                    onDragStart={(e) => {
                      e.dataTransfer.setData(DRAG_TYPE, node.name);
                      e.dataTransfer.effectAllowed = 'move';
                    }}
                    onClick={() => onPick(node)}
                  >
                    <img src={nodeIconUrl(node.name)} alt="" width={24} height={24} loading="lazy" />
                    <span>
                      <strong>{node.label}</strong>
                      <small>{node.description}</small>
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </aside>
  );
}
