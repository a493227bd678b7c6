import { useEffect, useRef, useState } from 'react';
import { type SchemaRow, type TestRunResult, schemaText, testRunTool } from '../../api/tools';
import { ErrorText } from '../../components/ListParts';
import { errorText } from './use-list';

const FAILURES: Record<string, string> = {
  CODE_ERROR: 'The code failed',
  TIMEOUT: 'Stopped: time limit',
  MEMORY: 'Stopped: memory limit',
  STACK: 'Stopped: stack limit',
  CRASHED: 'The sandbox failed',
  CLOSED: 'The sandbox closed',
};

/** A typed argument from its field's text: empty means not given (the server says if it was required). */
function argument(row: SchemaRow, text: string | boolean | undefined): unknown {
  if (row.type === 'boolean') return text === true;
  if (typeof text !== 'string' || text === '') return undefined;
  if (row.type === 'number') return Number.isNaN(Number(text)) ? text : Number(text);
  return text;
}

/**
 * Runs the editor's current (unsaved) code once in the server's sandbox with values typed in for the
 * schema's properties, as if the model had called the tool, and shows the output or the error.
 */
export function TestRunPanel({ func, rows }: { func: string; rows: SchemaRow[] }) {
  const [values, setValues] = useState<Record<string, string | boolean>>({});
  const [result, setResult] = useState<TestRunResult>();
  const [error, setError] = useState('');
  const [running, setRunning] = useState(false);
  const pending = useRef<AbortController | null>(null);
  // Closing the editor stops a run still going (the server stops the code when the request goes away).
  useEffect(() => () => pending.current?.abort(), []);

  const named = rows.filter((row) => row.property.trim() !== '');

  async function run() {
    setError('');
    setResult(undefined);
    setRunning(true);
    const input: Record<string, unknown> = {};
    for (const row of named) {
      const value = argument(row, values[row.property]);
      if (value !== undefined) input[row.property] = value;
    }
    const controller = new AbortController();
    pending.current = controller;
    try {
      setResult(await testRunTool({ func, schema: schemaText(rows), input }, controller.signal));
    } catch (e) {
      if (!controller.signal.aborted) setError(errorText(e));
    } finally {
      if (pending.current === controller) pending.current = null;
      setRunning(false);
    }
  }

  return (
    <fieldset className="test-run">
      <legend>Test run</legend>
      <p className="hint">Runs the code above, unsaved, in the same sandbox and with the same limits and $vars as a flow does.</p>
      {named.map((row) => (
        <label key={row.id ?? row.property} className={row.type === 'boolean' ? 'inline' : undefined}>
          {row.type === 'boolean' ? (
            <input type="checkbox" aria-label={`$${row.property}`} checked={values[row.property] === true} onChange={(e) => setValues({ ...values, [row.property]: e.target.checked })} />
          ) : null}
          {`$${row.property}`}
          {row.required ? ' (required)' : ''}
          {row.type !== 'boolean' && (
            <input
              aria-label={`$${row.property}${row.required ? ' (required)' : ''}`}
              type={row.type === 'number' ? 'number' : row.type === 'date' ? 'date' : 'text'}
              step={row.type === 'number' ? 'any' : undefined}
              value={String(values[row.property] ?? '')}
              onChange={(e) => setValues({ ...values, [row.property]: e.target.value })}
              // Enter runs the test; left alone it would submit (save) the tool's form.
              onKeyDown={(e) => {
                if (e.key !== 'Enter') return;
                e.preventDefault();
                if (!running) void run();
              }}
            />
          )}
        </label>
      ))}
      <div className="actions start">
        <button type="button" onClick={() => void run()} disabled={running || func.trim() === ''}>
          {running ? 'Running…' : 'Run test'}
        </button>
      </div>
      <ErrorText error={error} />
      {result && (
        <section className={result.ok ? 'run-result' : 'run-result failed'} aria-label="Test result">
          <h3>
            {result.ok ? 'Output' : FAILURES[result.failure]} <span className="hint">({result.durationMs} ms)</span>
          </h3>
          {result.ok && result.outputLength !== undefined && (
            <p className="hint" role="note">
              Output cut: {result.outputLength.toLocaleString('en-US')} characters in all; shown as a flow's model gets it (the first 100,000 and a note).
            </p>
          )}
          <pre className="output">{result.ok ? (result.kind === 'undefined' ? '(nothing returned)' : result.output) : result.error}</pre>
        </section>
      )}
    </fieldset>
  );
}
