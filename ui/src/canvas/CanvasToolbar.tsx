import { useState } from 'react';
import { Link } from 'wouter';
import { ThemeSwitch } from '../components/ThemeSwitch';
import { SaveButton } from './SaveButton';
import { useCanvas } from './store';

export interface ToolbarActions {
  undo(): void;
  redo(): void;
  arrange(): void;
  importFile(): void;
  exportFile(): void;
  api(): void;
  configure(): void;
  upsertHistory(): void;
  save(): void;
  /** Save with a version message (versions branch). */
  saveWithMessage(message: string): void;
  /** Open or close the version list (versions branch). */
  versions(): void;
  togglePalette(): void;
  toggleChat(): void;
  toggleProblems(): void;
  leave(event: React.MouseEvent): void;
  /** executions branch: the chatflow's messages viewer. */
  messages(): void;
}

/**
 * The canvas's top bar. It stays one row and never covers the canvas: below 1540 px the least used actions
 * (the theme, upsert history, messages) fold into a "More" menu, below 1420 px undo, redo, arrange, import
 * and export join them.
 */
export function CanvasToolbar({ name, onName, saved, panel, canApi, actions }: { name: string; onName: (name: string) => void; saved: boolean; panel: string | undefined; canApi: boolean; actions: ToolbarActions }) {
  const dirty = useCanvas((s) => s.dirty);
  const canUndo = useCanvas((s) => s.canUndo);
  const canRedo = useCanvas((s) => s.canRedo);
  const problemCount = useCanvas((s) => Object.keys(s.problems).length);
  const [moreOpen, setMoreOpen] = useState(false);
  const more = (action: () => void) => () => (setMoreOpen(false), action());
  return (
    <header className="canvas-bar">
      <Link href="/chatflows" className="button icon" aria-label="Back to chatflows" onClick={actions.leave}>
        ←
      </Link>
      <input className="flow-name" aria-label="Chatflow name" value={name} onChange={(e) => onName(e.target.value)} />
      <span className={dirty ? 'status unsaved' : 'status'} role="status">
        {dirty ? 'Unsaved changes' : saved ? 'Saved' : 'New'}
      </span>
      {problemCount > 0 && (
        <button type="button" className="status problem" aria-expanded={panel === 'problems'} onClick={actions.toggleProblems}>
          {problemCount === 1 ? '1 node needs attention' : `${problemCount} nodes need attention`}
        </button>
      )}
      <span className="spacer" />
      <button type="button" onClick={actions.togglePalette} aria-expanded={panel === 'palette'}>
        Add node
      </button>
      <button type="button" className="more-toggle" aria-expanded={moreOpen} aria-haspopup="true" onClick={() => setMoreOpen(!moreOpen)}>
        More
      </button>
      <div className={moreOpen ? 'bar-more open' : 'bar-more'}>
        <button type="button" className="icon" aria-label="Undo" disabled={!canUndo} onClick={more(actions.undo)}>
          ↶
        </button>
        <button type="button" className="icon" aria-label="Redo" disabled={!canRedo} onClick={more(actions.redo)}>
          ↷
        </button>
        <button type="button" onClick={more(actions.arrange)}>
          Arrange
        </button>
        <button type="button" onClick={more(actions.importFile)}>
          Import
        </button>
        <button type="button" onClick={more(actions.exportFile)}>
          Export
        </button>
        <div className="bar-more-wide">
          <ThemeSwitch />
          <button type="button" disabled={!canApi} onClick={more(actions.upsertHistory)}>
            Upsert history
          </button>
          <button type="button" disabled={!canApi} onClick={more(actions.messages)}>
            Messages
          </button>
        </div>
      </div>
      <button type="button" disabled={!canApi} onClick={actions.api}>
        API Endpoint
      </button>
      <button type="button" disabled={!canApi} onClick={actions.configure}>
        Configuration
      </button>
      <button type="button" className="toggle" disabled={!canApi} onClick={actions.toggleChat} aria-expanded={panel === 'chat'}>
        Chat
      </button>
      <button type="button" disabled={!canApi} onClick={actions.versions} aria-expanded={panel === 'versions'}>
        Versions
      </button>
      <SaveButton onSave={actions.save} onSaveWithMessage={actions.saveWithMessage} />
    </header>
  );
}
