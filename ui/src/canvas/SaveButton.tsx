import { type FormEvent, useState } from 'react';
import './versions.css';

/**
 * Save, and beside it "▾" for a save with a version message (a small popover). Save itself and Ctrl+S
 * stay one click / one key: the message is for those who want one.
 */
export function SaveButton({ onSave, onSaveWithMessage }: { onSave: () => void; onSaveWithMessage: (message: string) => void }) {
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setOpen(false);
    onSaveWithMessage(message.trim());
    setMessage('');
  };
  return (
    <span className="save-split">
      <button type="button" className="primary" onClick={onSave}>
        Save
      </button>
      <button type="button" className="primary save-more" aria-label="Save with a message" aria-haspopup="dialog" aria-expanded={open} onClick={() => setOpen(!open)}>
        ▾
      </button>
      {open && (
        <form className="save-popover" role="dialog" aria-label="Save with a message" onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
          <label htmlFor="version-message">Version message (optional)</label>
          <input id="version-message" autoFocus maxLength={1000} value={message} placeholder="What changed?" onChange={(e) => setMessage(e.target.value)} />
          <div className="actions">
            <button type="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button type="submit" className="primary">
              Save version
            </button>
          </div>
        </form>
      )}
    </span>
  );
}
