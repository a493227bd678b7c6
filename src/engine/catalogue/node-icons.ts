import type { NodeCategory } from '../nodes/node-definition.js';

/**
 * Our own small icon set for the editor (`GET /api/v1/node-icon/:name`), drawn by hand: simple shapes on
 * a 32×32 tile. A node's `icon` key picks one; unknown keys fall back to the node's category, then to a
 * generic tile, so nodes added later always get an icon.
 */
const tile = (color: string, body: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32">` +
  `<rect x="1" y="1" width="30" height="30" rx="7" fill="${color}"/>` +
  `<g fill="none" stroke="#fff" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round">${body}</g></svg>`;

/** A letter on a coloured tile: providers get their initial, never their logo. */
const letter = (color: string, text: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32">` +
  `<rect x="1" y="1" width="30" height="30" rx="7" fill="${color}"/>` +
  `<text x="16" y="21.5" text-anchor="middle" font-family="sans-serif" font-size="15" font-weight="700" fill="#fff">${text}</text></svg>`;

const ICONS: Record<string, string> = {
  azure: letter('#0078d4', 'Az'),
  mistral: letter('#f7650d', 'Mi'),
  gemini: letter('#4f6bed', 'Ge'),
  groq: letter('#f55036', 'Gq'),
  deepseek: letter('#4d6bfe', 'DS'),
  google: letter('#34a853', 'G'),
  serp: letter('#5f6b7a', 'S'),
  serper: letter('#2b6cb0', 'Sr'),
  calculator: tile('#6b7280', '<rect x="9" y="7" width="14" height="18" rx="2"/><path d="M12 11h8M12 16h.01M16 16h.01M20 16h.01M12 20h.01M16 20h.01M20 20h.01"/>'),
  csv: tile('#16a085', '<path d="M8 9h16v14H8zM8 14h16M8 19h16M13 9v14M19 9v14"/>'),
  customTool: tile('#d35400', '<path d="M12 10l-5 6 5 6M20 10l5 6-5 6M17 8l-2 16"/>'),
  requestsGet: tile('#0e7490', '<path d="M16 7v14M10 15l6 6 6-6M8 25h16"/>'),
  requestsPost: tile('#0e7490', '<path d="M16 25V11M10 17l6-6 6 6M8 7h16"/>'),
  // A hexagon of three interlocking strokes.
  openai: tile('#10a37f', '<path d="M16 7l7.5 4.5v9L16 25l-7.5-4.5v-9z"/><path d="M16 7v9l7.5 4.5M16 16l-7.5 4.5"/>'),
  // An "A" with a bar, in Anthropic's clay colour.
  anthropic: tile('#c96442', '<path d="M10 24l6-16 6 16M12.5 18h7"/>'),
  // A round head with two ears.
  ollama: tile('#3b3b3b', '<path d="M11 13V8.5M21 13V8.5"/><ellipse cx="16" cy="18" rx="7" ry="6"/><path d="M14 18h.01M18 18h.01"/>'),
  chain: tile('#6d5bd0', '<rect x="6" y="12" width="11" height="8" rx="4"/><rect x="15" y="12" width="11" height="8" rx="4"/>'),
  prompt: tile('#2f80ed', '<path d="M8 10l5 6-5 6M15 22h9"/>'),
  memory: tile('#e2a400', '<ellipse cx="16" cy="10" rx="8" ry="3"/><path d="M8 10v12c0 1.7 3.6 3 8 3s8-1.3 8-3V10M8 16c0 1.7 3.6 3 8 3s8-1.3 8-3"/>'),
  stickyNote: tile('#f2c94c', '<path d="M9 8h14v10l-6 6H9z"/><path d="M17 24v-6h6"/>'),
};

const CATEGORY_ICONS: Record<NodeCategory, string> = {
  'Chat Models': tile('#1f9d8b', '<path d="M8 9h16v10H14l-5 4v-4H8z"/>'),
  Prompts: ICONS.prompt!,
  Chains: ICONS.chain!,
  Memory: ICONS.memory!,
  Agents: tile('#8e44ad', '<rect x="8" y="11" width="16" height="12" rx="3"/><path d="M16 7v4M13 16h.01M19 16h.01"/>'),
  Tools: tile('#d35400', '<path d="M20 7a5 5 0 0 0-4.6 6.9L8 21.3 10.7 24l7.4-7.4A5 5 0 0 0 25 12l-3 1-2-2 1-3z"/>'),
  'Output Parsers': tile('#16a085', '<path d="M12 8c-3 0-2 5-4 8 2 3 1 8 4 8M20 8c3 0 2 5 4 8-2 3-1 8-4 8"/>'),
  Moderation: tile('#c0392b', '<path d="M16 7l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9v-6z"/>'),
  'Document Loaders': tile('#2d9cdb', '<path d="M10 7h8l5 5v13H10z"/><path d="M18 7v5h5M13 17h7M13 21h7"/>'),
  'Text Splitters': tile('#7f8c8d', '<path d="M9 9l14 14M9 23L23 9"/><circle cx="9" cy="9" r="2"/><circle cx="9" cy="23" r="2"/>'),
  Embeddings: tile('#27ae60', '<path d="M8 24V8M8 24h16M12 19l4-5 3 3 4-6"/>'),
  'Vector Stores': tile('#9b51e0', '<ellipse cx="16" cy="10" rx="8" ry="3"/><path d="M8 10v12c0 1.7 3.6 3 8 3s8-1.3 8-3V10"/><path d="M13 19l3-3 3 3"/>'),
  Retrievers: tile('#56ccf2', '<circle cx="14" cy="14" r="6"/><path d="M18.5 18.5L24 24"/>'),
  Utilities: tile('#828282', '<circle cx="16" cy="16" r="4"/><path d="M16 7v3M16 22v3M7 16h3M22 16h3"/>'),
};

const GENERIC = tile('#555', '<rect x="9" y="9" width="14" height="14" rx="3"/>');

/** The SVG for a node: its icon key, else its category's icon, else a generic tile. */
export function nodeIconSvg(icon: string | undefined, category: string | undefined): string {
  if (icon && ICONS[icon]) return ICONS[icon]!;
  if (category && Object.prototype.hasOwnProperty.call(CATEGORY_ICONS, category)) return CATEGORY_ICONS[category as NodeCategory];
  return GENERIC;
}

/** Whether the set holds a drawing for this key (tests check the fallback is used only when it must). */
export function hasOwnIcon(icon: string): boolean {
  return Object.prototype.hasOwnProperty.call(ICONS, icon);
}
