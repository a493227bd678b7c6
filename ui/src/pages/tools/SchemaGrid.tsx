import type { SchemaRow, SchemaType } from '../../api/tools';

const TYPES: SchemaType[] = ['string', 'number', 'boolean', 'date'];

/**
 * The tool's arguments, one row each (Flowise's schema grid): the model fills them when it calls the
 * tool, and the code reads each as `$<property>`.
 */
export function SchemaGrid({ rows, onChange }: { rows: SchemaRow[]; onChange: (rows: SchemaRow[]) => void }) {
  const set = (index: number, patch: Partial<SchemaRow>) => onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  return (
    <fieldset className="schema-grid">
      <legend>Input schema</legend>
      <p className="hint">The arguments the model gives the tool; the code reads each one as $&lt;property&gt;.</p>
      {rows.length > 0 && (
        <table className="list">
          <thead>
            <tr>
              <th>Property</th>
              <th>Type</th>
              <th>Description</th>
              <th>Required</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => {
              const n = index + 1;
              return (
                <tr key={row.id ?? index}>
                  <td>
                    <input aria-label={`Property ${n}`} value={row.property} spellCheck={false} onChange={(e) => set(index, { property: e.target.value })} />
                  </td>
                  <td>
                    <select aria-label={`Type ${n}`} value={row.type} onChange={(e) => set(index, { type: e.target.value as SchemaType })}>
                      {TYPES.map((t) => (
                        <option key={t} value={t}>
                          {t}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <input aria-label={`Description ${n}`} value={row.description} onChange={(e) => set(index, { description: e.target.value })} />
                  </td>
                  <td className="center">
                    <input type="checkbox" aria-label={`Required ${n}`} checked={row.required} onChange={(e) => set(index, { required: e.target.checked })} />
                  </td>
                  <td className="row-actions">
                    <button type="button" className="danger" aria-label={`Remove property ${n}`} onClick={() => onChange(rows.filter((_, i) => i !== index))}>
                      Remove
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <button
        type="button"
        onClick={() => onChange([...rows, { id: Math.max(-1, ...rows.map((r) => r.id ?? -1)) + 1, property: '', type: 'string', description: '', required: false }])}
      >
        Add property
      </button>
    </fieldset>
  );
}
