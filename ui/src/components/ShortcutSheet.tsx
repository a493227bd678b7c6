import { useEffect, useState } from 'react';
import { useLocation } from 'wouter';
import { CANVAS_SHORTCUTS, GENERAL_SHORTCUTS, type Shortcut } from '../canvas/shortcuts';
import { editable } from '../canvas/use-canvas-keys';
import { Dialog } from './Dialog';

function Table({ caption, shortcuts }: { caption: string; shortcuts: Shortcut[] }) {
  return (
    <table className="list shortcuts">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th>Keys</th>
          <th>What it does</th>
        </tr>
      </thead>
      <tbody>
        {shortcuts.map((s) => (
          <tr key={s.keys.join('+') + s.description}>
            <td>
              {s.keys.map((k, i) => (
                <span key={k}>
                  {i > 0 && ' + '}
                  <kbd>{k}</kbd>
                </span>
              ))}
            </td>
            <td>{s.description}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** `?` (outside text fields, with no dialog open) lists the shortcuts of the page: the canvas's there, the general ones everywhere. */
export function ShortcutSheet() {
  const [open, setOpen] = useState(false);
  const [location] = useLocation();
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== '?' || event.ctrlKey || event.metaKey || event.altKey || editable(event.target) || document.querySelector('dialog[open]')) return;
      event.preventDefault();
      setOpen(true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const onCanvas = location.startsWith('/canvas');
  return (
    <Dialog title="Keyboard shortcuts" open={open} onClose={() => setOpen(false)}>
      {onCanvas && <Table caption="Canvas" shortcuts={CANVAS_SHORTCUTS} />}
      <Table caption="Everywhere" shortcuts={GENERAL_SHORTCUTS} />
      <p className="hint">On a Mac, ⌘ works wherever Ctrl is listed.</p>
    </Dialog>
  );
}
