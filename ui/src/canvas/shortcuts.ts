/**
 * The keyboard shortcuts, one list for the handlers and for the `?` sheet: the canvas's handler
 * (use-canvas-keys.ts) acts on the entries with an `action`, the sheet lists them all.
 */
export type CanvasAction = 'save' | 'undo' | 'redo' | 'copy' | 'paste' | 'selectAll';

export interface Shortcut {
  /** What the sheet shows, e.g. ['Ctrl', 'Shift', 'Z'] (⌘ stands for Ctrl on a Mac). */
  keys: string[];
  description: string;
  /** For the handler: `event.key` in lower case, with Ctrl or ⌘ held. */
  key?: string;
  shift?: boolean;
  action?: CanvasAction;
  /** Also while typing in a field or a dialog (only saving: the browser's own undo and clipboard apply there). */
  inFields?: boolean;
}

export const CANVAS_SHORTCUTS: Shortcut[] = [
  { keys: ['Ctrl', 'S'], description: 'Save the chatflow (also while typing)', key: 's', action: 'save', inFields: true },
  { keys: ['Ctrl', 'Z'], description: 'Undo', key: 'z', action: 'undo' },
  { keys: ['Ctrl', 'Shift', 'Z'], description: 'Redo', key: 'z', shift: true, action: 'redo' },
  { keys: ['Ctrl', 'Y'], description: 'Redo', key: 'y', action: 'redo' },
  { keys: ['Ctrl', 'C'], description: 'Copy the selected nodes', key: 'c', action: 'copy' },
  { keys: ['Ctrl', 'V'], description: 'Paste nodes (here or in another chatflow)', key: 'v', action: 'paste' },
  { keys: ['Ctrl', 'A'], description: 'Select every node', key: 'a', action: 'selectAll' },
  { keys: ['Delete'], description: 'Delete the selected nodes and connections (or Backspace)' },
  { keys: ['Shift', 'drag'], description: 'Select nodes inside a box' },
];

export const GENERAL_SHORTCUTS: Shortcut[] = [
  { keys: ['?'], description: 'Show this list of shortcuts' },
  { keys: ['Esc'], description: 'Close a dialog' },
];

/** The canvas shortcut a key press means, if any (modifier held; Shift decides between undo and redo). */
export function canvasShortcutFor(event: { key: string; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean }): Shortcut | undefined {
  if (!(event.ctrlKey || event.metaKey)) return undefined;
  const key = event.key.toLowerCase();
  return CANVAS_SHORTCUTS.find((s) => s.key === key && (s.key !== 'z' || Boolean(s.shift) === event.shiftKey));
}
