import type { EditorNode } from './flow-data.js';
import type { XY } from './types.js';

/** A card's size before React Flow has measured it (a typical node card). */
export const DEFAULT_NODE_SIZE = { width: 300, height: 420 };
const GAP = 30;
const STEP = 40;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const boxOf = (node: EditorNode): Box => ({
  x: node.position.x,
  y: node.position.y,
  width: node.measured?.width ?? DEFAULT_NODE_SIZE.width,
  height: node.measured?.height ?? DEFAULT_NODE_SIZE.height,
});

const overlaps = (a: Box, b: Box) => a.x < b.x + b.width + GAP && b.x < a.x + a.width + GAP && a.y < b.y + b.height + GAP && b.y < a.y + a.height + GAP;

/**
 * Where a new node goes: centred on `center` (the visible viewport's centre, in flow coordinates), or
 * the nearest spot around it (searched outwards on a 40 px grid, up to `radius`) where it overlaps no
 * existing card. When the area is full, the centre shifted down-right by one step per node already there.
 */
export function freeSpot(center: XY, nodes: readonly EditorNode[], size = DEFAULT_NODE_SIZE, radius = 1600): XY {
  const origin = { x: Math.round(center.x - size.width / 2), y: Math.round(center.y - size.height / 2) };
  const boxes = nodes.map(boxOf);
  const candidates: Array<{ x: number; y: number; d: number }> = [];
  for (let dx = -radius; dx <= radius; dx += STEP) {
    for (let dy = -radius; dy <= radius; dy += STEP) candidates.push({ x: origin.x + dx, y: origin.y + dy, d: dx * dx + dy * dy });
  }
  candidates.sort((a, b) => a.d - b.d);
  for (const c of candidates) {
    const box = { x: c.x, y: c.y, ...size };
    if (!boxes.some((b) => overlaps(box, b))) return { x: c.x, y: c.y };
  }
  return { x: origin.x + STEP * nodes.length, y: origin.y + STEP * nodes.length };
}

/**
 * How far a paste moves the copied nodes. Into the flow they came from: 40 px down-right per paste of
 * the same clip (so repeated pastes fan out, never stack). Into another flow: the clip's centre goes to
 * the viewport centre, then the same fan-out for repeated pastes.
 */
export function pasteOffset(clipNodes: readonly EditorNode[], options: { sameFlow: boolean; count: number; center: XY }): XY {
  const fan = STEP * (options.count + 1);
  if (options.sameFlow || clipNodes.length === 0) return { x: fan, y: fan };
  const boxes = clipNodes.map(boxOf);
  const minX = Math.min(...boxes.map((b) => b.x));
  const minY = Math.min(...boxes.map((b) => b.y));
  const maxX = Math.max(...boxes.map((b) => b.x + b.width));
  const maxY = Math.max(...boxes.map((b) => b.y + b.height));
  const fanOut = STEP * options.count;
  return { x: Math.round(options.center.x - (minX + maxX) / 2) + fanOut, y: Math.round(options.center.y - (minY + maxY) / 2) + fanOut };
}

/**
 * `pasteOffset` for the first fan-out step whose pasted nodes land on no existing card's corner (within
 * 10 px): pasting the same copy again, even after a reload, never stacks it on the previous paste.
 */
export function freePasteOffset(clipNodes: readonly EditorNode[], existing: readonly EditorNode[], options: { sameFlow: boolean; center: XY }): XY {
  const taken = (x: number, y: number) => existing.some((e) => Math.abs(e.position.x - x) < 10 && Math.abs(e.position.y - y) < 10);
  let offset = pasteOffset(clipNodes, { ...options, count: 0 });
  for (let count = 1; count < 100 && clipNodes.some((n) => taken(n.position.x + offset.x, n.position.y + offset.y)); count += 1) {
    offset = pasteOffset(clipNodes, { ...options, count });
  }
  return offset;
}
