import { getViewportForBounds } from '@xyflow/react';
import type { EditorNode } from '../flow/flow-data';
import { DEFAULT_NODE_SIZE } from '../flow/placement';
import type { Viewport, XY } from '../flow/types';

/** The most a fit may zoom in: a lone node at 100 %, not 200 %. */
export const FIT_MAX_ZOOM = 1;

const canvasBox = () => document.querySelector('.canvas-area')?.getBoundingClientRect();

/**
 * Fits the view to nodes from their positions (measured sizes where known, else a typical card), so a
 * large flow opens framed without waiting for every node to be rendered and measured.
 */
export function viewportFor(nodes: readonly EditorNode[]): Viewport {
  if (nodes.length === 0) return { x: 0, y: 0, zoom: 1 };
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const node of nodes) {
    minX = Math.min(minX, node.position.x);
    minY = Math.min(minY, node.position.y);
    maxX = Math.max(maxX, node.position.x + (node.measured?.width ?? DEFAULT_NODE_SIZE.width));
    maxY = Math.max(maxY, node.position.y + (node.measured?.height ?? DEFAULT_NODE_SIZE.height));
  }
  const box = canvasBox();
  return getViewportForBounds({ x: minX, y: minY, width: maxX - minX, height: maxY - minY }, box?.width ?? 1000, box?.height ?? 700, 0.1, FIT_MAX_ZOOM, 0.1);
}

/** The centre of the visible canvas in flow coordinates. */
export function visibleCenter(toFlow: (screen: XY) => XY): XY {
  const box = canvasBox();
  return toFlow({ x: (box?.left ?? 0) + (box?.width ?? 1000) / 2, y: (box?.top ?? 0) + (box?.height ?? 700) / 2 });
}
