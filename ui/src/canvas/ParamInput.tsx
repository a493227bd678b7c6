import { useState } from 'react';
import type { NodeParam } from '../flow/types';

/** One form field for a param of the types our nodes use: string (rows), password, number, boolean, options, json. */
export function ParamInput({ param, value, onChange }: { param: NodeParam; value: unknown; onChange: (value: unknown) => void }) {
  const label = param.label || param.name;
  const text = value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  switch (param.type) {
    case 'boolean':
      return (
        <label className="param param-boolean" title={param.description}>
          <input type="checkbox" checked={value === true || value === 'true'} onChange={(e) => onChange(e.target.checked)} />
          {label}
        </label>
      );
    case 'options':
      return (
        <label className="param" title={param.description}>
          {label}
          <select className="nodrag" value={text} onChange={(e) => onChange(e.target.value)}>
            <option value="">—</option>
            {param.options?.map((o) => (
              <option key={o.name} value={o.name} title={o.description}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
      );
    case 'number':
      return (
        <label className="param" title={param.description}>
          {label}
          <input className="nodrag" type="number" step={param.step ?? 'any'} value={text} placeholder={param.placeholder} onChange={(e) => onChange(e.target.value === '' ? '' : Number(e.target.value))} />
        </label>
      );
    case 'json':
      return <JsonInput param={param} text={text} onChange={onChange} />;
    default: {
      const rows = param.rows ?? (param.type === 'code' ? 6 : 1);
      return (
        <label className="param" title={param.description}>
          {label}
          {rows > 1 ? (
            <textarea className="nodrag" rows={rows} value={text} placeholder={param.placeholder} onChange={(e) => onChange(e.target.value)} />
          ) : (
            <input className="nodrag" type={param.type === 'password' ? 'password' : 'text'} value={text} placeholder={param.placeholder} autoComplete="off" onChange={(e) => onChange(e.target.value)} />
          )}
        </label>
      );
    }
  }
}

/** JSON params: edited as text, stored as text (Flowise keeps the string), flagged while it does not parse. */
function JsonInput({ param, text, onChange }: { param: NodeParam; text: string; onChange: (value: unknown) => void }) {
  const [draft, setDraft] = useState(text);
  let invalid = false;
  try {
    if (draft.trim() !== '' && !draft.includes('{{')) JSON.parse(draft);
  } catch {
    invalid = true;
  }
  return (
    <label className="param" title={param.description}>
      {param.label || param.name}
      <textarea
        className="nodrag mono"
        rows={param.rows ?? 3}
        value={draft}
        aria-invalid={invalid}
        placeholder={param.placeholder ?? '{ }'}
        onChange={(e) => {
          setDraft(e.target.value);
          onChange(e.target.value);
        }}
      />
      {invalid && <span className="field-error">Not valid JSON yet</span>}
    </label>
  );
}
