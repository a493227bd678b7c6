import { Dialog } from '../components/Dialog';
import type { Draft } from './drafts';

/** The save-conflict, deleted-elsewhere and draft-restore questions of the canvas. */
export function CanvasDialogs(props: {
  dialog: string | undefined;
  draft: Draft | undefined;
  onClose: () => void;
  onSaveAsNew: () => void;
  onReload: () => void;
  onOverwrite: () => void;
  onRestore: () => void;
  onDiscard: () => void;
}) {
  return (
    <>
      <Dialog title="This chatflow changed since you opened it" open={props.dialog === 'conflict'} onClose={props.onClose}>
        <p>Someone (or another tab) saved a newer version. Reload it and lose your changes here, or overwrite it with yours.</p>
        <div className="actions">
          <button type="button" onClick={props.onReload}>
            Reload
          </button>
          <button type="button" className="danger" onClick={props.onOverwrite}>
            Overwrite
          </button>
        </div>
      </Dialog>
      <Dialog title="This chatflow was deleted" open={props.dialog === 'gone'} onClose={props.onClose}>
        <p>Someone (or another tab) deleted this chatflow after you opened it, so it cannot be saved in place. Your changes are still here.</p>
        <div className="actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="button" className="primary" onClick={props.onSaveAsNew}>
            Save as a new chatflow
          </button>
        </div>
      </Dialog>
      <Dialog title="Restore unsaved changes?" open={props.dialog === 'draft'} onClose={props.onDiscard}>
        <p>This browser kept changes to this chatflow that were not saved ({props.draft ? new Date(props.draft.savedAt).toLocaleString() : ''}).</p>
        <div className="actions">
          <button type="button" onClick={props.onDiscard}>
            Discard
          </button>
          <button type="button" className="primary" onClick={props.onRestore}>
            Restore
          </button>
        </div>
      </Dialog>
    </>
  );
}
