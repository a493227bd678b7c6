import { useEffect } from 'react';
import { type CanvasAction, canvasShortcutFor } from './shortcuts';

/** Whether a key press lands in a text field (its own shortcuts apply there). */
export const editable = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

/**
 * Canvas shortcuts, as listed in shortcuts.ts (CANVAS_SHORTCUTS, also shown by the `?` sheet): Ctrl/Cmd+S
 * saves everywhere; undo, redo, copy, paste and select-all (nodes, not the page's text) act on the canvas
 * only when the focus is not in a text field or a dialog (where the browser's own undo, clipboard and
 * selection apply).
 */
export function useCanvasKeys(actions: Record<CanvasAction, () => void>): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const shortcut = canvasShortcutFor(event);
      if (!shortcut?.action) return;
      if (!shortcut.inFields && (editable(event.target) || (event.target instanceof Element && event.target.closest('dialog')))) return;
      event.preventDefault();
      actions[shortcut.action]();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [actions]);
}
