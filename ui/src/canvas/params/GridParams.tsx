import { type Row, datagridValue, emptyArrayItem, emptyGridRow, parseRows } from '../../flow/grid-value';
import type { ArrayItemField, DatagridColumn, NodeParam } from '../../flow/types';
import { ParamLabel } from './ParamLabel';

const cellText = (value: unknown) => (value === undefined || value === null ? '' : typeof value === 'string' ? value : String(value));

/**
 * A `datagrid` param (structuredOutputParser's JSON structure): one row per entry, one cell per column
 * the catalogue defines, select cells for `singleSelect` columns; stored as Flowise's grid stores it.
 */
export function DatagridParam({ param, value, onChange }: { param: NodeParam; value: unknown; onChange: (value: unknown) => void }) {
  const columns: DatagridColumn[] = param.datagrid ?? [];
  const rows = parseRows(value);
  const update = (next: Row[]) => onChange(datagridValue(next));
  const setCell = (index: number, field: string, cell: unknown) => update(rows.map((row, i) => (i === index ? { ...row, [field]: cell } : row)));
  return (
    <fieldset className="param param-grid" title={param.description}>
      <legend>
        <ParamLabel param={param} />
      </legend>
      <table>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.field} scope="col">
                {c.headerName}
              </th>
            ))}
            <th>
              <span className="sr-only">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={index}>
              {columns.map((c) => {
                const name = `${c.headerName} ${index + 1}`;
                return (
                  <td key={c.field}>
                    {c.type === 'singleSelect' ? (
                      <select className="nodrag" aria-label={name} value={cellText(row[c.field])} onChange={(e) => setCell(index, c.field, e.target.value)}>
                        {(c.valueOptions ?? []).map((o) => (
                          <option key={o} value={o}>
                            {o}
                          </option>
                        ))}
                      </select>
                    ) : (
                      <input className="nodrag" aria-label={name} value={cellText(row[c.field])} disabled={c.editable === false} onChange={(e) => setCell(index, c.field, e.target.value)} />
                    )}
                  </td>
                );
              })}
              <td>
                <button type="button" className="icon nodrag" aria-label={`Remove row ${index + 1}`} onClick={() => update(rows.filter((_, i) => i !== index))}>
                  ×
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" className="nodrag" onClick={() => update([...rows, emptyGridRow(columns)])}>
        Add row
      </button>
    </fieldset>
  );
}

function ItemField({ field, value, label, onChange }: { field: ArrayItemField; value: unknown; label: string; onChange: (value: unknown) => void }) {
  if (field.type === 'boolean') {
    return (
      <label className="param param-boolean">
        <input type="checkbox" checked={value === true || value === 'true'} onChange={(e) => onChange(e.target.checked)} />
        {label}
      </label>
    );
  }
  return (
    <label className="param" title={field.description}>
      {label}
      {field.type === 'options' ? (
        <select className="nodrag" value={cellText(value)} onChange={(e) => onChange(e.target.value)}>
          {(field.options ?? []).map((o) => (
            <option key={o.name} value={o.name} title={o.description}>
              {o.label}
            </option>
          ))}
        </select>
      ) : (
        <input className="nodrag" type={field.type === 'number' ? 'number' : 'text'} value={cellText(value)} placeholder={field.placeholder} onChange={(e) => onChange(field.type === 'number' && e.target.value !== '' ? Number(e.target.value) : e.target.value)} />
      )}
    </label>
  );
}

/** An `array` param (Gemini's safety settings): a list of items, each with the catalogue's fields; stored as the array. */
export function ArrayParam({ param, value, onChange }: { param: NodeParam; value: unknown; onChange: (value: unknown) => void }) {
  const fields: ArrayItemField[] = param.array ?? [];
  const items = parseRows(value);
  const setField = (index: number, name: string, field: unknown) => onChange(items.map((item, i) => (i === index ? { ...item, [name]: field } : item)));
  return (
    <fieldset className="param param-array" title={param.description}>
      <legend>
        <ParamLabel param={param} />
      </legend>
      {items.map((item, index) => (
        <div className="array-item" key={index}>
          {fields.map((f) => (
            <ItemField key={f.name} field={f} label={`${f.label} ${index + 1}`} value={item[f.name]} onChange={(v) => setField(index, f.name, v)} />
          ))}
          <button type="button" className="icon nodrag" aria-label={`Remove ${param.label} ${index + 1}`} onClick={() => onChange(items.filter((_, i) => i !== index))}>
            ×
          </button>
        </div>
      ))}
      <button type="button" className="nodrag" onClick={() => onChange([...items, emptyArrayItem(fields)])}>
        Add {param.label}
      </button>
    </fieldset>
  );
}
