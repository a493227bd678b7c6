import { credentialsChanged } from '../api/credentials';
import { CredentialForm } from '../components/CredentialForm';
import { Dialog } from '../components/Dialog';
import { Params } from './NodeParams';
import { useCanvas } from './store';

/**
 * The dialogs a node card opens (Additional Parameters, Create credential), rendered by the canvas
 * page rather than the card: a card that turns compact when zoomed out, or scrolls out of view, never
 * takes an open dialog with it.
 */
export function NodeDialogs() {
  const dialog = useCanvas((s) => s.nodeDialog);
  const data = useCanvas((s) => (dialog ? s.nodes.find((n) => n.id === dialog.nodeId)?.data : undefined));
  const close = useCanvas((s) => s.closeNodeDialog);
  const setNodeField = useCanvas((s) => s.setNodeField);
  if (!dialog || !data) return null;
  if (dialog.kind === 'extra') {
    const extra = data.inputParams.filter((p) => !p.hidden && p.additionalParams);
    return (
      <Dialog title={`${data.label}: Additional Parameters`} open onClose={close}>
        <div className="form">
          <Params nodeId={dialog.nodeId} params={extra} handles={false} />
        </div>
      </Dialog>
    );
  }
  const names = data.inputParams.find((p) => p.type === 'credential')?.credentialNames ?? [];
  return (
    <Dialog title="Create credential" open onClose={close}>
      <CredentialForm
        types={names}
        onSaved={(created) => {
          close();
          credentialsChanged();
          setNodeField(dialog.nodeId, 'credential', created.id);
        }}
      />
    </Dialog>
  );
}
