import { type FormEvent, useEffect, useState } from 'react';
import { api } from '../api/client';
import { type MarketplaceTemplate, loadTemplates, templateFlow, templateNodes } from '../api/templates';
import type { Chatflow } from '../api/types';
import { Dialog } from '../components/Dialog';
import { ErrorText } from '../components/ListParts';
import './templates.css';

/**
 * "New from template": the example flows the server ships, as cards (name, description, nodes);
 * choosing one asks for a name, creates the chatflow and hands its id to `onCreated`.
 */
export function TemplateGallery({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (chatflow: Chatflow) => void }) {
  const [templates, setTemplates] = useState<MarketplaceTemplate[]>();
  const [chosen, setChosen] = useState<MarketplaceTemplate>();
  const [name, setName] = useState('');
  const [error, setError] = useState('');

  useEffect(() => {
    if (!open || templates) return;
    loadTemplates().then(setTemplates, (e: unknown) => setError((e as Error).message));
  }, [open, templates]);

  function close() {
    setChosen(undefined);
    setError('');
    onClose();
  }

  async function create(event: FormEvent) {
    event.preventDefault();
    setError('');
    try {
      const created = await api<Chatflow>('POST', '/chatflows', { name, flowData: templateFlow(chosen!) });
      setChosen(undefined);
      onCreated(created);
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <Dialog title={chosen ? `New from "${chosen.templateName}"` : 'New from template'} open={open} onClose={close} wide>
      <ErrorText error={error} />
      {chosen ? (
        <form className="form" onSubmit={(e) => void create(e)}>
          <p className="hint">{chosen.description}</p>
          <label>
            Chatflow name
            <input value={name} onChange={(e) => setName(e.target.value)} required autoFocus />
          </label>
          <div className="actions">
            <button type="button" onClick={() => setChosen(undefined)}>
              Back
            </button>
            <button type="submit" className="primary">
              Create
            </button>
          </div>
        </form>
      ) : templates === undefined ? (
        !error && <p>Loading…</p>
      ) : (
        <ul className="template-grid" aria-label="Templates">
          {templates.map((template) => (
            <li key={template.id} className="template-card" aria-labelledby={`template-${template.id}`}>
              <h3 id={`template-${template.id}`}>{template.templateName}</h3>
              {template.badge && <span className="template-badge">{template.badge}</span>}
              <p>{template.description}</p>
              <p className="template-nodes" aria-label="Nodes">
                {templateNodes(template).join(' · ')}
              </p>
              {template.usecases.length > 0 && <p className="hint">{template.usecases.join(', ')}</p>}
              <button type="button" className="primary" aria-label={`Use ${template.templateName}`} onClick={() => (setChosen(template), setName(template.templateName))}>
                Use template
              </button>
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}
