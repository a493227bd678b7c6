import { useRef, useState } from 'react';
import { type Tool, deleteTool, listTools } from '../../api/tools';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Dialog } from '../../components/Dialog';
import { ErrorText, ListHead, RowActions } from '../../components/ListParts';
import { download } from '../../components/download';
import { useTitle } from '../../components/use-title';
import { type ToolDraft, ToolEditor } from './ToolEditor';
import { errorText, useList } from './use-list';
import './tools.css';

/** A tool as a file, in the fields Flowise's tool export has (so either product imports it). */
function exportTool(tool: Tool): string {
  const { name, description, color, iconSrc, schema, func } = tool;
  return JSON.stringify({ name, description, color, iconSrc, schema, func }, null, 2);
}

/** A tool file read back into the editor (not saved until the user saves it); throws on what is not one. */
function importedDraft(text: string): ToolDraft {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('The file is not JSON');
  }
  const tool = parsed as Record<string, unknown>;
  if (typeof tool !== 'object' || tool === null || typeof tool.name !== 'string') throw new Error('The file is not a tool export (no "name")');
  const text_ = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const schema = Array.isArray(tool.schema) ? JSON.stringify(tool.schema) : (text_(tool.schema) ?? null);
  return { name: tool.name, description: text_(tool.description) ?? '', schema, func: text_(tool.func) ?? '', ...(text_(tool.color) ? { color: text_(tool.color)! } : {}) };
}

/** Custom tools: the list, the editor (create, edit, test-run), delete, export and import as JSON. */
export function ToolsPage() {
  const { items: tools, error, setError, reload } = useList(listTools);
  const [editing, setEditing] = useState<ToolDraft>();
  const [deleting, setDeleting] = useState<Tool>();
  const fileInput = useRef<HTMLInputElement>(null);
  // Whether the open editor holds edits not saved yet; closing it then asks first.
  const dirty = useRef(false);
  const [discarding, setDiscarding] = useState(false);
  const openEditor = (draft: ToolDraft) => {
    dirty.current = false;
    setEditing(draft);
  };
  const closeEditor = () => (dirty.current ? setDiscarding(true) : setEditing(undefined));
  useTitle('Tools');

  async function importFile(file: File | undefined) {
    if (!file) return;
    setError('');
    try {
      openEditor(importedDraft(await file.text()));
    } catch (e) {
      setError(`Cannot import ${file.name}: ${errorText(e)}`);
    }
    if (fileInput.current) fileInput.current.value = '';
  }

  return (
    <section>
      <div className="page-head">
        <h1>Tools</h1>
        <span className="spacer" />
        <label className="button">
          Import
          <input ref={fileInput} className="sr-only" type="file" accept=".json,application/json" aria-label="Import a tool from a JSON file" onChange={(e) => void importFile(e.target.files?.[0])} />
        </label>
        <button type="button" className="primary" onClick={() => openEditor({})}>
          Add Tool
        </button>
      </div>
      <p className="hint">
        Custom tools are JavaScript functions an agent can call (the Custom Tool node). Their code runs in the server's sandbox, with time, memory and network limits.
      </p>
      <ErrorText error={error} />
      {tools?.length === 0 && <p className="empty">No custom tools yet.</p>}
      {tools && tools.length > 0 && (
        <table className="list">
          <ListHead columns={['Name', 'Description', 'Updated']} />
          <tbody>
            {tools.map((tool) => (
              <tr key={tool.id}>
                <td>
                  <code>{tool.name}</code>
                </td>
                <td className="tool-description">{tool.description}</td>
                <td>{new Date(tool.updatedDate).toLocaleString()}</td>
                <RowActions name={tool.name} onEdit={() => openEditor(tool)} onDelete={() => setDeleting(tool)}>
                  <button type="button" aria-label={`Export ${tool.name}`} onClick={() => download(`${tool.name}-CustomTool.json`, exportTool(tool))}>
                    Export
                  </button>
                </RowActions>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Dialog title={editing?.id ? `Edit tool ${editing.name}` : 'Add tool'} open={editing !== undefined} onClose={closeEditor} wide>
        {editing && (
          <ToolEditor
            key={editing.id ?? 'new'}
            draft={editing}
            otherNames={(tools ?? []).filter((t) => t.id !== editing.id).map((t) => t.name)}
            onEdit={() => (dirty.current = true)}
            onSaved={() => {
              setEditing(undefined);
              void reload();
            }}
          />
        )}
      </Dialog>
      <ConfirmDialog
        title="Discard changes"
        message="The tool has changes that are not saved. Close the editor and lose them?"
        confirm="Discard"
        open={discarding}
        onClose={() => setDiscarding(false)}
        onConfirm={() => {
          setDiscarding(false);
          setEditing(undefined);
        }}
      />
      <ConfirmDialog
        title="Delete tool"
        message={`Delete "${deleting?.name}"? Flows whose Custom Tool node selects it will fail to build until another tool is selected.`}
        confirm="Delete"
        open={deleting !== undefined}
        onClose={() => setDeleting(undefined)}
        onConfirm={() => {
          const tool = deleting!;
          setDeleting(undefined);
          deleteTool(tool.id).then(reload, (e: unknown) => setError(errorText(e)));
        }}
      />
    </section>
  );
}
