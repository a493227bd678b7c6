import { useEffect, useState } from 'react';
import { Dialog } from './Dialog';
import { ErrorText } from './ListParts';

/** Reads a Flowise export from a .json file or pasted text; `onImport` gets the text and a suggested name. */
export function ImportDialog({ open, onClose, onImport }: { open: boolean; onClose: () => void; onImport: (text: string, name: string) => Promise<void> }) {
  const [text, setText] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState('');
  // Each opening starts empty: no text, name or error left from a previous file. Cleared on closing too,
  // so a reopened dialog never shows the old file for a frame.
  useEffect(() => {
    setText('');
    setName('');
    setError('');
  }, [open]);

  async function readFile(file: File | undefined) {
    if (!file) return;
    setError('');
    setText(await file.text());
    setName(file.name.replace(/( Chatflow)?\.json$/i, ''));
  }

  async function submit() {
    setError('');
    try {
      await onImport(text, name.trim() || 'Imported chatflow');
      setText('');
      setName('');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  return (
    <Dialog title="Import a Flowise chatflow" open={open} onClose={onClose}>
      <div className="form">
        <label>
          Flowise JSON file
          <input type="file" accept=".json,application/json" onChange={(e) => void readFile(e.target.files?.[0])} />
        </label>
        <label>
          Or paste the JSON
          <textarea rows={8} value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <ErrorText error={error} />
        <button className="primary" type="button" disabled={!text.trim()} onClick={() => void submit()}>
          Import chatflow
        </button>
      </div>
    </Dialog>
  );
}
