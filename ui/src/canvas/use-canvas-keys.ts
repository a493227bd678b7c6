import { useEffect } from 'react';

const editable = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

/**
 * Canvas shortcuts: Ctrl/Cmd+S saves everywhere; undo, redo, copy, paste and select-all (nodes, not
 * the page's text) act on the canvas only when the focus is not in a text field or a dialog (where the
 * browser's own undo, clipboard and selection apply).
 */
export function useCanvasKeys(actions: { save: () => void; undo: () => void; redo: () => void; copy: () => void; paste: () => void; selectAll: () => void }): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey)) return;
      const key = event.key.toLowerCase();
      if (key === 's') {
        event.preventDefault();
        actions.save();
        return;
      }
      if (editable(event.target) || (event.target instanceof Element && event.target.closest('dialog'))) return;
      if (key === 'z' && event.shiftKey) actions.redo();
      else if (key === 'z' || key === 'y') (key === 'y' ? actions.redo : actions.undo)();
      else if (key === 'c') actions.copy();
      else if (key === 'v') actions.paste();
      else if (key === 'a') actions.selectAll();
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [actions]);
}
