import { type FormEvent, useState } from 'react';
import { type Variable, deleteVariable, listVariables, saveVariable } from '../../api/variables';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Dialog } from '../../components/Dialog';
import { ErrorText, ListHead, RowActions } from '../../components/ListParts';
import { useTitle } from '../../components/use-title';
import { errorText, useList } from './use-list';
import './tools.css';

/** Adds or edits a variable; the server's refusals (a name `$vars` cannot reach, a runtime name not allowed) are shown as they come. */
function VariableForm({ existing, onSaved }: { existing?: Variable; onSaved: () => void }) {
  const [name, setName] = useState(existing?.name ?? '');
  const [value, setValue] = useState(existing?.value ?? '');
  const [type, setType] = useState<Variable['type']>(existing?.type ?? 'static');
  const [error, setError] = useState('');

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError('');
    try {
      await saveVariable({ name, value: type === 'runtime' ? null : value, type }, existing?.id);
      onSaved();
    } catch (e) {
      setError(errorText(e));
    }
  }

  return (
    <form className="form" onSubmit={submit}>
      <label>
        Variable name
        <input aria-label="Variable name" value={name} onChange={(e) => setName(e.target.value)} spellCheck={false} required />
      </label>
      <label>
        Type
        <select aria-label="Type" value={type} onChange={(e) => setType(e.target.value as Variable['type'])}>
          <option value="static">Static: the value below</option>
          <option value="runtime">Runtime: the server's environment variable of this name</option>
        </select>
      </label>
      {type === 'static' ? (
        <label>
          Value
          <input aria-label="Value" value={value} onChange={(e) => setValue(e.target.value)} />
        </label>
      ) : (
        <p className="hint">Read at each run from the environment variable {name || '<name>'} of the server or worker; only names listed in RUNTIME_VARIABLES_ALLOW_LIST.</p>
      )}
      <ErrorText error={error} />
      <button className="primary" type="submit">
        {existing ? 'Save variable' : 'Add variable'}
      </button>
    </form>
  );
}

/** Variables flows read as `$vars.<name>`: list, add, edit, delete. */
export function VariablesPage() {
  const { items: variables, error, setError, reload } = useList(listVariables);
  const [editing, setEditing] = useState<Variable | 'new'>();
  const [deleting, setDeleting] = useState<Variable>();
  useTitle('Variables');

  return (
    <section>
      <div className="page-head">
        <h1>Variables</h1>
        <span className="spacer" />
        <button type="button" className="primary" onClick={() => setEditing('new')}>
          Add Variable
        </button>
      </div>
      <div className="vars-help" role="note" aria-label="How flows use variables">
        <p>
          Flows read variables by name: a custom tool's code as <code>$vars.name</code>, a node's text input (a prompt, a header) as <code>{'{{$vars.name}}'}</code>. A
          prediction may override them with <code>overrideConfig.vars</code> where the chatflow allows it.
        </p>
        <p>
          A <strong>static</strong> variable holds its value here. A <strong>runtime</strong> variable holds none: each run reads the environment variable of the same name on
          the server (or the worker, in queue mode), so secrets stay out of the database. Only names listed in RUNTIME_VARIABLES_ALLOW_LIST can be read; other runtime
          variables are refused.
        </p>
      </div>
      <ErrorText error={error} />
      {variables?.length === 0 && <p className="empty">No variables yet.</p>}
      {variables && variables.length > 0 && (
        <table className="list">
          <ListHead columns={['Name', 'Value', 'Type', 'Updated']} />
          <tbody>
            {variables.map((v) => (
              <tr key={v.id}>
                <td>
                  <code>{v.name}</code>
                </td>
                <td>{v.type === 'runtime' ? <span className="hint">from the environment</span> : v.value}</td>
                <td>{v.type}</td>
                <td>{new Date(v.updatedDate).toLocaleString()}</td>
                <RowActions name={v.name} onEdit={() => setEditing(v)} onDelete={() => setDeleting(v)} />
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Dialog title={editing === 'new' ? 'Add variable' : 'Edit variable'} open={editing !== undefined} onClose={() => setEditing(undefined)}>
        {editing && (
          <VariableForm
            key={editing === 'new' ? 'new' : editing.id}
            {...(editing !== 'new' ? { existing: editing } : {})}
            onSaved={() => {
              setEditing(undefined);
              void reload();
            }}
          />
        )}
      </Dialog>
      <ConfirmDialog
        title="Delete variable"
        message={`Delete "${deleting?.name}"? Flows reading $vars.${deleting?.name ?? ''} will get nothing.`}
        confirm="Delete"
        open={deleting !== undefined}
        onClose={() => setDeleting(undefined)}
        onConfirm={() => {
          const v = deleting!;
          setDeleting(undefined);
          deleteVariable(v.id).then(reload, (e: unknown) => setError(errorText(e)));
        }}
      />
    </section>
  );
}
