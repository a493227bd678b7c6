import { Dialog } from './Dialog';

export function ConfirmDialog({ title, message, confirm, open, onClose, onConfirm }: { title: string; message: string; confirm: string; open: boolean; onClose: () => void; onConfirm: () => void }) {
  return (
    <Dialog title={title} open={open} onClose={onClose}>
      <p>{message}</p>
      <div className="actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="danger" onClick={onConfirm}>
          {confirm}
        </button>
      </div>
    </Dialog>
  );
}
