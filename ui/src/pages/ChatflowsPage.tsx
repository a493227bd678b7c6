import { useCallback, useEffect, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { api } from '../api/client';
import type { Chatflow } from '../api/types';
import { ErrorText, ListHead } from '../components/ListParts';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ConfigurationDialog } from '../canvas/ConfigurationDialog';
import { Dialog } from '../components/Dialog';
import { ImportDialog } from '../components/ImportDialog';
import { MessagesDialog } from '../components/MessagesDialog';
import { download } from '../components/download';
import { exportFileName, exportFlow } from '../flow/export';
import { FlowDataError, loadFlow } from '../flow/flow-data';
import { useTitle } from '../components/use-title';
import { newestFirst } from './list-order';
import { TemplateGallery } from './TemplateGallery';

/** The chatflows list: search, add, open, rename, duplicate, delete, import and export. */
export function ChatflowsPage() {
  useTitle('Chatflows');
  const [flows, setFlows] = useState<Chatflow[]>();
  const [error, setError] = useState('');
  const [search, setSearch] = useState('');
  const [importing, setImporting] = useState(false);
  const [templates, setTemplates] = useState(false);
  const [renaming, setRenaming] = useState<Chatflow>();
  const [newName, setNewName] = useState('');
  const [deleting, setDeleting] = useState<Chatflow>();
  const [configuring, setConfiguring] = useState<Chatflow>();
  const [viewing, setViewing] = useState<Chatflow>();
  const [, navigate] = useLocation();

  const reload = useCallback(async () => {
    try {
      setFlows(await api<Chatflow[]>('GET', '/chatflows'));
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);
  useEffect(() => void reload(), [reload]);

  const run = (action: () => Promise<unknown>) => async () => {
    setError('');
    try {
      await action();
      await reload();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  async function importFlow(text: string, name: string) {
    try {
      loadFlow(text, new Map());
    } catch (e) {
      throw e instanceof FlowDataError ? new Error(`Not a Flowise chatflow: ${e.message}`) : e;
    }
    const created = await api<Chatflow>('POST', '/chatflows', { name, flowData: text });
    setImporting(false);
    navigate(`/canvas/${created.id}`);
  }

  const shown = newestFirst(flows ?? []).filter((flow) => {
    const q = search.trim().toLowerCase();
    return !q || flow.name.toLowerCase().includes(q) || flow.id.includes(q) || (flow.category ?? '').toLowerCase().includes(q);
  });

  return (
    <section>
      <div className="page-head">
        <h1>Chatflows</h1>
        <input type="search" aria-label="Search chatflows" placeholder="Search by name or id" value={search} onChange={(e) => setSearch(e.target.value)} />
        <button type="button" onClick={() => setImporting(true)}>
          Import
        </button>
        <button type="button" onClick={() => setTemplates(true)}>
          New from template
        </button>
        <button type="button" className="primary" onClick={() => navigate('/canvas')}>
          Add New
        </button>
      </div>
      <ErrorText error={error} />
      {flows === undefined ? (
        <p>Loading…</p>
      ) : shown.length === 0 ? (
        <p className="empty">{flows.length === 0 ? 'No chatflows yet: add one or import a Flowise export.' : 'No chatflow matches.'}</p>
      ) : (
        <table className="list">
          <ListHead columns={['Name', 'Updated']} />
          <tbody>
            {shown.map((flow) => (
              <tr key={flow.id}>
                <td>
                  <Link href={`/canvas/${flow.id}`}>{flow.name}</Link>
                </td>
                <td>{new Date(flow.updatedDate).toLocaleString()}</td>
                <td className="row-actions">
                  <button type="button" onClick={() => (setRenaming(flow), setNewName(flow.name))} aria-label={`Rename ${flow.name}`}>
                    Rename
                  </button>
                  <button type="button" aria-label={`Configuration of ${flow.name}`} onClick={() => setConfiguring(flow)}>
                    Configuration
                  </button>
                  <button type="button" aria-label={`Duplicate ${flow.name}`} onClick={run(() => api('POST', '/chatflows', { name: `${flow.name} (copy)`, flowData: flow.flowData, chatbotConfig: flow.chatbotConfig }))}>
                    Duplicate
                  </button>
                  <button type="button" aria-label={`Messages of ${flow.name}`} onClick={() => setViewing(flow)}>
                    Messages
                  </button>
                  <button type="button" aria-label={`Export ${flow.name}`} onClick={() => download(exportFileName(flow.name), JSON.stringify(exportFlow(JSON.parse(flow.flowData)), null, 2))}>
                    Export
                  </button>
                  <button type="button" className="danger" aria-label={`Delete ${flow.name}`} onClick={() => setDeleting(flow)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {configuring && <ConfigurationDialog chatflow={configuring} open onClose={() => setConfiguring(undefined)} onSaved={() => void reload()} />}
      <TemplateGallery open={templates} onClose={() => setTemplates(false)} onCreated={(created) => navigate(`/canvas/${created.id}`)} />
      <MessagesDialog chatflowId={viewing?.id ?? ''} name={viewing?.name ?? ''} open={viewing !== undefined} onClose={() => setViewing(undefined)} />
      <ImportDialog open={importing} onClose={() => setImporting(false)} onImport={importFlow} />
      <Dialog title="Rename chatflow" open={renaming !== undefined} onClose={() => setRenaming(undefined)}>
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            const flow = renaming!;
            setRenaming(undefined);
            void run(() => api('PUT', `/chatflows/${flow.id}`, { name: newName }))();
          }}
        >
          <label>
            Chatflow name
            <input value={newName} onChange={(e) => setNewName(e.target.value)} required />
          </label>
          <button className="primary" type="submit">
            Rename
          </button>
        </form>
      </Dialog>
      <ConfirmDialog
        title="Delete chatflow"
        message={`Delete "${deleting?.name}" and its messages? This cannot be undone.`}
        confirm="Delete"
        open={deleting !== undefined}
        onClose={() => setDeleting(undefined)}
        onConfirm={() => {
          const flow = deleting!;
          setDeleting(undefined);
          void run(() => api('DELETE', `/chatflows/${flow.id}`))();
        }}
      />
    </section>
  );
}
