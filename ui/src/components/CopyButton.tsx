import { type RefObject, useEffect, useState } from 'react';

/** Selects the text of an input or any element, so the user can copy it with Ctrl+C. */
function selectText(element: HTMLElement) {
  if (element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement) {
    element.focus();
    element.select();
    return;
  }
  const range = document.createRange();
  range.selectNodeContents(element);
  const selection = window.getSelection();
  selection?.removeAllRanges();
  selection?.addRange(range);
}

/**
 * Copies `text` to the clipboard and says "Copied" only when the browser confirmed it. Where the
 * clipboard is refused (plain http on a LAN address, a denied permission), the text in `target` is
 * selected instead and the button says how to copy it.
 */
export function CopyButton({ text, target, label = 'Copy' }: { text: string; target: RefObject<HTMLElement | null>; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'selected'>('idle');
  useEffect(() => setState('idle'), [text]);
  async function copy() {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      if (target.current) selectText(target.current);
      setState('selected');
    }
  }
  return (
    <>
      <button type="button" onClick={() => void copy()}>
        {state === 'copied' ? 'Copied' : label}
      </button>
      {state === 'selected' && (
        <span className="hint" role="status">
          The browser did not allow copying: the text is selected, press Ctrl+C (⌘C).
        </span>
      )}
    </>
  );
}
