import { type FormEvent, useState } from 'react';
import { type SchemaRow, type Tool, type ToolFields, saveTool, schemaRows, schemaText } from '../../api/tools';
import { CodeEditor } from '../../components/CodeEditor';
import { ErrorText } from '../../components/ListParts';
import { SchemaGrid } from './SchemaGrid';
import { TestRunPanel } from './TestRunPanel';
import { errorText } from './use-list';

/** The names every model provider accepts for a tool (the server checks the same). */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

const EXAMPLE_FUNC = `/*
 * The body of an async function: it may await and must return the tool's answer (a string, or a value
 * sent as JSON). Arguments: $<property> from the input schema. Variables: $vars.<name>.
 * fetch() reaches only the addresses the server's outbound policy allows.
 */
return 'It is sunny in ' + $city;`;

/** What the editor starts from: a stored tool, an imported one (no id yet), or nothing. */
export type ToolDraft = Partial<Pick<Tool, 'id' | 'name' | 'description' | 'schema' | 'func' | 'color' | 'iconSrc'>>;

/**
 * Creates or edits a custom tool: name, description, the JavaScript body in a code editor, the input
 * schema grid, and a test-run of the code as it stands. Server refusals are shown as the server words them.
 * A name another tool has is warned about, not refused: Flowise (and its clients) allow it.
 */
export function ToolEditor({ draft, onSaved, onEdit, otherNames = [] }: { draft: ToolDraft; onSaved: (tool: Tool) => void; onEdit?: () => void; otherNames?: readonly string[] }) {
  const [name, setNameState] = useState(draft.name ?? '');
  const [description, setDescriptionState] = useState(draft.description ?? '');
  const [func, setFuncState] = useState(draft.func ?? (draft.id ? '' : EXAMPLE_FUNC));
  const [rows, setRowsState] = useState<SchemaRow[]>(() =>
    draft.schema !== undefined || draft.id ? schemaRows(draft.schema) : [{ id: 0, property: 'city', type: 'string', description: 'The city', required: true }],
  );
  // Every edit is reported, so closing the editor can ask before unsaved work is lost.
  const edited =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      set(value);
      onEdit?.();
    };
  const [setName, setDescription, setFunc, setRows] = [edited(setNameState), edited(setDescriptionState), edited(setFuncState), edited(setRowsState)];
  const [error, setError] = useState('');
  const [saving, setSaving] = useState(false);
  const badName = name !== '' && !TOOL_NAME.test(name);
  const taken = name !== '' && otherNames.includes(name);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError('');
    setSaving(true);
    try {
      const fields: ToolFields = { name, description, func, schema: schemaText(rows) };
      if (draft.color) fields.color = draft.color;
      if (draft.iconSrc !== undefined) fields.iconSrc = draft.iconSrc;
      onSaved(await saveTool(fields, draft.id));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setSaving(false);
    }
  }

  return (
    <form className="form tool-editor" onSubmit={submit}>
      <label>
        Tool name
        <input aria-label="Tool name" value={name} onChange={(e) => setName(e.target.value)} aria-invalid={badName} aria-describedby="tool-name-hint" spellCheck={false} required />
      </label>
      <p id="tool-name-hint" className={badName ? 'error' : 'hint'}>
        1 to 64 letters, digits, _ or - : the model calls the tool by this name (e.g. get_weather).
      </p>
      {taken && (
        <p className="error" role="status">
          A tool named {name} already exists: saving adds a second one with the same name, which an agent given both cannot tell apart.
        </p>
      )}
      <label>
        Description
        <textarea aria-label="Description" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} required />
      </label>
      <p className="hint">The model reads it to decide when to call the tool.</p>
      <SchemaGrid rows={rows} onChange={setRows} />
      <div className="code-field">
        <span className="field-label">
          JavaScript function
        </span>
        <CodeEditor label="JavaScript function" value={func} onChange={setFunc} />
      </div>
      <TestRunPanel func={func} rows={rows} />
      <ErrorText error={error} />
      <div className="actions">
        <button className="primary" type="submit" disabled={saving}>
          {draft.id ? 'Save tool' : 'Add tool'}
        </button>
      </div>
    </form>
  );
}
