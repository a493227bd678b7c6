import { useState } from 'react';
import type { NodeParam } from '../flow/types';
import { AsyncOptionsParam } from './params/AsyncOptionsParam';
import { FileParam } from './params/FileParam';
import { ArrayParam, DatagridParam } from './params/GridParams';
import { ParamLabel } from './params/ParamLabel';

/** The node a param belongs to, for params whose choices depend on it (`asyncOptions`). */
export interface ParamNode {
  name: string;
  inputs: Record<string, unknown>;
}

/**
 * One form field for a param: string (rows), password, number, boolean, options, json, code, file,
 * asyncOptions, datagrid and array. Other types get a text box.
 */
export function ParamInput({ param, value, node, onChange }: { param: NodeParam; value: unknown; node: ParamNode; onChange: (value: unknown) => void }) {
  const text = value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  switch (param.type) {
    case 'boolean':
      return (
        <label className="param param-boolean" title={param.description}>
          <input type="checkbox" checked={value === true || value === 'true'} onChange={(e) => onChange(e.target.checked)} />
          <ParamLabel param={param} />
        </label>
      );
    case 'options':
      return (
        <label className="param" title={param.description}>
          <ParamLabel param={param} />
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
          <ParamLabel param={param} />
          <input className="nodrag" type="number" step={param.step ?? 'any'} value={text} placeholder={param.placeholder} onChange={(e) => onChange(e.target.value === '' ? '' : Number(e.target.value))} />
        </label>
      );
    case 'json':
      return <JsonInput param={param} text={text} onChange={onChange} />;
    case 'file':
      return <FileParam param={param} value={value} onChange={onChange} />;
    case 'asyncOptions':
      return <AsyncOptionsParam param={param} value={value} nodeName={node.name} inputs={node.inputs} onChange={onChange} />;
    case 'datagrid':
      return <DatagridParam param={param} value={value} onChange={onChange} />;
    case 'array':
      return <ArrayParam param={param} value={value} onChange={onChange} />;
    default: {
      const code = param.type === 'code';
      const rows = param.rows ?? (code ? 6 : 1);
      return (
        <label className="param" title={param.description}>
          <ParamLabel param={param} />
          {rows > 1 ? (
            <textarea className={code ? 'nodrag mono' : 'nodrag'} rows={rows} value={text} placeholder={param.placeholder} spellCheck={!code} onChange={(e) => onChange(e.target.value)} />
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
      <ParamLabel param={param} />
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
