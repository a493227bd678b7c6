import { useCallback, useEffect, useState } from 'react';
import { ApiError, api } from '../../api/client';
import type { NodeParam, ParamOption } from '../../flow/types';
import { ParamLabel } from './ParamLabel';

type Loaded = { state: 'loading' } | { state: 'ready'; options: ParamOption[] } | { state: 'unavailable'; reason: string };

/**
 * An `asyncOptions` param (customTool's tool, document stores' store): a dropdown filled by
 * `POST /api/v1/node-load-method/<node>` `{loadMethod, inputs}` → `[{label, name, description?}]`
 * (Flowise's shape), asked again each time it is opened. A server without that route (404) or a failed
 * call leaves a text box for the id, with the reason.
 */
export function AsyncOptionsParam({ param, value, nodeName, inputs, onChange }: { param: NodeParam; value: unknown; nodeName: string; inputs: Record<string, unknown>; onChange: (value: unknown) => void }) {
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const text = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  const load = useCallback(() => {
    api<ParamOption[]>('POST', `/node-load-method/${encodeURIComponent(nodeName)}`, { loadMethod: param.loadMethod, inputs }).then(
      (options) => setLoaded({ state: 'ready', options: Array.isArray(options) ? options : [] }),
      (error: unknown) =>
        setLoaded({ state: 'unavailable', reason: error instanceof ApiError && error.status === 404 ? 'This server cannot list the choices: type the id' : `The choices could not be loaded (${(error as Error).message}): type the id` }),
    );
    // `inputs` changes with every keystroke elsewhere on the node; the list depends on the method only.
  }, [nodeName, param.loadMethod]);
  useEffect(load, [load]);

  if (loaded.state !== 'ready') {
    return (
      <label className="param" title={param.description}>
        <ParamLabel param={param} />
        <input className="nodrag" type="text" value={text} autoComplete="off" placeholder={loaded.state === 'loading' ? 'Loading the choices…' : param.placeholder} onChange={(e) => onChange(e.target.value)} />
        {loaded.state === 'unavailable' && <span className="hint">{loaded.reason}</span>}
      </label>
    );
  }
  const known = loaded.options.some((o) => o.name === text);
  return (
    <label className="param" title={param.description}>
      <ParamLabel param={param} />
      <select className="nodrag" value={text} onFocus={load} onChange={(e) => onChange(e.target.value)}>
        <option value="">{loaded.options.length === 0 ? 'Nothing to choose yet' : '—'}</option>
        {text !== '' && !known && <option value={text}>{text} (not found)</option>}
        {loaded.options.map((o) => (
          <option key={o.name} value={o.name} title={o.description}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
