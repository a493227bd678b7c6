import type { CatalogueNode } from './node-catalogue.js';

/**
 * The canvas's sticky note: Flowise keeps it in flowData as a node of type `stickyNote` whose only input
 * is the note's text. The engine skips it (graph/flow-definition.ts `isStickyNote`); the editor draws it.
 */
export const STICKY_NOTE: CatalogueNode = {
  label: 'Sticky Note',
  name: 'stickyNote',
  version: 2,
  type: 'StickyNote',
  icon: 'stickyNote.svg',
  category: 'Utilities',
  description: 'A note on the canvas for whoever reads the flow next; it does not run.',
  baseClasses: ['StickyNote'],
  inputs: [{ label: '', name: 'note', type: 'string', rows: 1, optional: true, placeholder: 'Type something here' }],
};
