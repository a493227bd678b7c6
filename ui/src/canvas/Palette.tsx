import { useEffect, useMemo, useRef, useState } from 'react';
import { moveHighlight, paletteView } from '../flow/palette-search';
import type { CatalogueNode } from '../flow/types';
import { NodeIcon } from './NodeIcon';

export const DRAG_TYPE = 'application/reactflow';

/**
 * The node palette: search, drag a node onto the canvas, or pick it with a click or Enter. The first
 * node shown is highlighted; ↑/↓ move the highlight and Enter adds exactly the highlighted node.
 */
export function Palette({ nodes, onPick, onClose }: { nodes: CatalogueNode[]; onPick: (node: CatalogueNode) => void; onClose: () => void }) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const view = useMemo(() => paletteView(nodes, query), [nodes, query]);
  const highlighted = view.shown[Math.min(active, view.shown.length - 1)];
  const list = useRef<HTMLDivElement>(null);
  useEffect(() => setActive(0), [query]);
  useEffect(() => {
    if (highlighted) list.current?.querySelector(`[data-node-name="${highlighted.name}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [highlighted]);
  const optionId = (name: string) => `palette-option-${name}`;

  return (
    <aside className="palette" aria-label="Node palette">
      <div className="palette-head">
        <input
          type="search"
          aria-label="Search nodes"
          placeholder="Search nodes"
          autoFocus
          role="combobox"
          aria-expanded="true"
          aria-controls="palette-list"
          {...(highlighted ? { 'aria-activedescendant': optionId(highlighted.name) } : {})}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
              e.preventDefault();
              setActive((i) => moveHighlight(Math.min(i, view.shown.length - 1), e.key === 'ArrowDown' ? 1 : -1, view.shown.length));
            } else if (e.key === 'Enter' && highlighted) onPick(highlighted);
            else if (e.key === 'Escape') onClose();
          }}
        />
        <button type="button" className="icon" aria-label="Close palette" onClick={onClose}>
          ×
        </button>
      </div>
      <div className="palette-list" id="palette-list" role="listbox" aria-label="Nodes" ref={list}>
        {view.groups.length === 0 && <p className="empty">No node matches.</p>}
        {view.groups.map(([category, group]) => (
          <section key={category} role="group" aria-label={category}>
            <h3>{category}</h3>
            {group.map((node) => (
              <button
                key={node.name}
                id={optionId(node.name)}
                type="button"
                role="option"
                aria-selected={node === highlighted}
                draggable
                className="palette-item"
                data-node-name={node.name}
                onDragStart={(e) => {
                  e.dataTransfer.setData(DRAG_TYPE, node.name);
                  e.dataTransfer.effectAllowed = 'move';
                }}
                onClick={() => onPick(node)}
              >
                <NodeIcon name={node.name} size={24} lazy />
                <span>
                  <strong>{node.label}</strong>
                  <small>{node.description}</small>
                </span>
              </button>
            ))}
          </section>
        ))}
      </div>
    </aside>
  );
}
