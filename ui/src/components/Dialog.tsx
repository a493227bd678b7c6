import { type ReactNode, useEffect, useRef } from 'react';
import { createPortal } from 'react-dom';

/**
 * A modal dialog on the native <dialog> element (focus trap, Escape and the top layer for free; focus returns to
 * the opener on close),
 * rendered at the end of <body>: a dialog opened from a node card is then outside the React Flow pane,
 * so wheel, drag and text selection inside it never zoom, pan or move the canvas behind it.
 * (`nowheel nodrag nopan` say the same to React Flow, should one ever be rendered inside it.)
 */
export function Dialog({ title, open, onClose, children, wide }: { title: string; open: boolean; onClose: () => void; children: ReactNode; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  // `close` also fires when the dialog closes because `open` became false: only a close the user made
  // (Escape, the ×, a form) while it should be open is reported.
  const shouldBeOpen = useRef(open);
  shouldBeOpen.current = open;
  // On close (or when the dialog goes away with its page) the focus goes back to what had it when the dialog
  // opened, usually the button that opened it (WAI-ARIA dialog pattern), so a keyboard user keeps their place.
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog || !open) return;
    const opener = document.activeElement;
    if (!dialog.open) dialog.showModal();
    return () => {
      if (dialog.open) dialog.close();
      if (opener instanceof HTMLElement && opener !== document.body && opener.isConnected) opener.focus();
    };
  }, [open]);
  return createPortal(
    <dialog ref={ref} className={`${wide ? 'dialog wide' : 'dialog'} nowheel nodrag nopan`} aria-label={title} onClose={() => shouldBeOpen.current && onClose()} onCancel={(e) => (e.preventDefault(), onClose())}>
      {open && (
        <>
          <header>
            <h2>{title}</h2>
            <button type="button" className="icon" aria-label="Close" onClick={onClose}>
              ×
            </button>
          </header>
          <div className="dialog-body">{children}</div>
        </>
      )}
    </dialog>,
    document.body,
  );
}
