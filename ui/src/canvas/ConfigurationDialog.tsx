import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { loadCatalogue } from '../api/catalogue';
import { FOLLOW_UP_PROVIDERS, type ChatflowSettings, type OverridableNode, overridableNodes, readSettings, settingsProblems, writeSettings } from '../api/chatflow-config';
import { fetchCredentials } from '../api/credentials';
import type { Chatflow, Credential } from '../api/types';
import { Dialog } from '../components/Dialog';
import { ErrorText } from '../components/ListParts';
import { OverrideSection } from './OverrideSection';

const lines = (value: string) => value.split('\n');

function Problem({ id, text }: { id: string; text: string | undefined }) {
  return text ? (
    <span id={id} className="field-error" role="alert">
      {text}
    </span>
  ) : null;
}

/**
 * The chatflow's Configuration (from the canvas toolbar and the chatflows list): starter and follow-up
 * prompts, chat feedback, allowed domains, rate limit and API overrides, saved in Flowise's shapes
 * (see chatflow-config.ts). The server enforces origins, the rate limit and overrides on predictions.
 */
export function ConfigurationDialog({ chatflow, open, onClose, onSaved }: { chatflow: Chatflow; open: boolean; onClose: () => void; onSaved: (updated: Chatflow) => void }) {
  const [settings, setSettings] = useState<ChatflowSettings>(() => readSettings(chatflow));
  const [nodes, setNodes] = useState<OverridableNode[]>([]);
  const [variables, setVariables] = useState<Array<{ id: string; name: string; type: string }>>([]);
  const [credentials, setCredentials] = useState<Credential[]>([]);
  const [error, setError] = useState('');
  const [tried, setTried] = useState(false);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (!open) return;
    setSettings(readSettings(chatflow));
    setError('');
    setTried(false);
    const failed = (e: unknown) => setError((e as Error).message);
    loadCatalogue().then((list) => setNodes(overridableNodes(chatflow.flowData, new Map(list.map((n) => [n.name, n])))), failed);
    api<Array<{ id: string; name: string; type: string }>>('GET', '/variables').then(setVariables, failed);
    fetchCredentials().then(setCredentials, failed);
    // Opening reads the chatflow as it is now; edits made while open stay until saved or closed.
  }, [open]);

  const problems = tried ? settingsProblems(settings) : {};
  const set = (patch: Partial<ChatflowSettings>) => setSettings({ ...settings, ...patch });
  const rate = settings.rateLimit;
  const followUp = settings.followUp;
  const provider = FOLLOW_UP_PROVIDERS.find((p) => p.name === followUp.selectedProvider);

  async function save(event: React.FormEvent) {
    event.preventDefault();
    setTried(true);
    if (Object.keys(settingsProblems(settings)).length > 0) return;
    setError('');
    setSaving(true);
    try {
      onSaved(await api<Chatflow>('PUT', `/chatflows/${chatflow.id}`, writeSettings(chatflow, settings, nodes, variables)));
      onClose();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSaving(false);
    }
  }

  return (
    <Dialog title="Configuration" open={open} onClose={onClose} wide>
      <form className="form config-form" noValidate onSubmit={(e) => void save(e)}>
        <fieldset className="config-section">
          <legend>Chat</legend>
          <label>
            Starter prompts (one per line)
            <textarea rows={3} value={settings.starterPrompts.join('\n')} onChange={(e) => set({ starterPrompts: lines(e.target.value) })} />
          </label>
          <label className="inline">
            <input type="checkbox" checked={settings.chatFeedback} onChange={(e) => set({ chatFeedback: e.target.checked })} />
            Chat feedback (thumbs up and down in the embedded chat)
          </label>
          <label className="inline">
            <input type="checkbox" checked={followUp.status} onChange={(e) => set({ followUp: { ...followUp, status: e.target.checked } })} />
            Follow-up prompts
          </label>
          {followUp.status && (
            <div className="config-grid">
              <label>
                Follow-up provider
                <select value={followUp.selectedProvider} onChange={(e) => set({ followUp: { ...followUp, selectedProvider: e.target.value, credentialId: '' } })}>
                  {FOLLOW_UP_PROVIDERS.map((p) => (
                    <option key={p.name} value={p.name}>
                      {p.label}
                    </option>
                  ))}
                </select>
              </label>
              {provider?.credential && (
                <label>
                  Follow-up credential
                  <select value={followUp.credentialId} onChange={(e) => set({ followUp: { ...followUp, credentialId: e.target.value } })}>
                    <option value="">None</option>
                    {credentials
                      .filter((c) => c.credentialName === provider.credential)
                      .map((c) => (
                        <option key={c.id} value={c.id}>
                          {c.name}
                        </option>
                      ))}
                  </select>
                </label>
              )}
              <label>
                Follow-up model
                <input value={followUp.modelName} aria-describedby="followUpModel-error" onChange={(e) => set({ followUp: { ...followUp, modelName: e.target.value } })} />
                <Problem id="followUpModel-error" text={problems.followUpModel} />
              </label>
              <label>
                Follow-up temperature
                <input inputMode="decimal" value={followUp.temperature} aria-describedby="followUpTemperature-error" onChange={(e) => set({ followUp: { ...followUp, temperature: e.target.value } })} />
                <Problem id="followUpTemperature-error" text={problems.followUpTemperature} />
              </label>
              <label className="span">
                Follow-up base URL (optional)
                <input value={followUp.baseUrl} placeholder="the provider's own" aria-describedby="followUpBaseUrl-error" onChange={(e) => set({ followUp: { ...followUp, baseUrl: e.target.value } })} />
                <Problem id="followUpBaseUrl-error" text={problems.followUpBaseUrl} />
              </label>
              <label className="span">
                Follow-up prompt
                <textarea rows={2} value={followUp.prompt} onChange={(e) => set({ followUp: { ...followUp, prompt: e.target.value } })} />
              </label>
            </div>
          )}
        </fieldset>

        <fieldset className="config-section">
          <legend>Allowed domains</legend>
          <label>
            Allowed domains (one per line; empty allows every site)
            <textarea rows={3} placeholder="https://example.com" value={settings.allowedOrigins.join('\n')} aria-describedby="allowedOrigins-error" onChange={(e) => set({ allowedOrigins: lines(e.target.value) })} />
            <Problem id="allowedOrigins-error" text={problems.allowedOrigins} />
          </label>
          <label>
            Error message for other domains
            <input value={settings.allowedOriginsError} placeholder="This site is not allowed to access this chatbot" onChange={(e) => set({ allowedOriginsError: e.target.value })} />
          </label>
        </fieldset>

        <fieldset className="config-section">
          <legend>Rate limit</legend>
          <label className="inline">
            <input type="checkbox" checked={rate.status} onChange={(e) => set({ rateLimit: { ...rate, status: e.target.checked } })} />
            Limit predictions per client address
          </label>
          {rate.status && (
            <div className="config-grid">
              <label>
                Message limit per duration
                <input inputMode="numeric" value={rate.limitMax} aria-describedby="limitMax-error" onChange={(e) => set({ rateLimit: { ...rate, limitMax: e.target.value } })} />
                <Problem id="limitMax-error" text={problems.limitMax} />
              </label>
              <label>
                Duration in seconds
                <input inputMode="numeric" value={rate.limitDuration} aria-describedby="limitDuration-error" onChange={(e) => set({ rateLimit: { ...rate, limitDuration: e.target.value } })} />
                <Problem id="limitDuration-error" text={problems.limitDuration} />
              </label>
              <label className="span">
                Limit message
                <input value={rate.limitMsg} placeholder="Too many requests, please try again later." onChange={(e) => set({ rateLimit: { ...rate, limitMsg: e.target.value } })} />
              </label>
            </div>
          )}
        </fieldset>

        <OverrideSection value={settings.override} onChange={(override) => set({ override })} nodes={nodes} variables={variables} />

        <ErrorText error={error} />
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={saving}>
            Save configuration
          </button>
        </div>
      </form>
    </Dialog>
  );
}
