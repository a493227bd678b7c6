import { type FormEvent, useEffect, useRef, useState } from 'react';
import Markdown from 'react-markdown';
import { ApiError, api, apiFetch } from '../api/client';
import { uuid } from '../components/uuid';
import { type RunEvent, streamPrediction } from '../flow/run-stream';

interface Message {
  role: 'userMessage' | 'apiMessage';
  content: string;
  error?: string;
  stopped?: boolean;
}

const chatIdKey = (chatflowId: string) => `aimicromind:chat:${chatflowId}`;

function chatIdFor(chatflowId: string): string {
  const stored = sessionStorage.getItem(chatIdKey(chatflowId));
  if (stored) return stored;
  const id = uuid();
  sessionStorage.setItem(chatIdKey(chatflowId), id);
  return id;
}

/**
 * The canvas's test chat: streams the saved chatflow's answer, Stop aborts the run, Clear deletes the
 * chat's messages (so memory starts afresh). Errors are shown in the conversation; an error about a node
 * is handed to `onNodeError` so the canvas outlines that node.
 */
export function ChatPanel({ chatflowId, starterPrompts, unsaved, onError, onClose }: { chatflowId: string; starterPrompts: string[]; unsaved: boolean; onError: (body: unknown) => void; onClose: () => void }) {
  const [messages, setMessages] = useState<Message[]>([]);
  const [question, setQuestion] = useState('');
  const [running, setRunning] = useState(false);
  const run = useRef<{ controller: AbortController; runId?: string } | undefined>(undefined);
  const chatId = useRef(chatIdFor(chatflowId));
  const bottom = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // Braces matter: newer browsers return a Promise from scrollIntoView, which React would take for a cleanup.
    bottom.current?.scrollIntoView({ block: 'end' });
  }, [messages]);
  useEffect(() => () => run.current?.controller.abort(), []);

  const updateLast = (update: (m: Message) => Message) => setMessages((all) => [...all.slice(0, -1), update(all[all.length - 1]!)]);

  async function send(text: string) {
    if (!text.trim() || running) return;
    setQuestion('');
    setMessages((all) => [...all, { role: 'userMessage', content: text }, { role: 'apiMessage', content: '' }]);
    const controller = new AbortController();
    run.current = { controller };
    setRunning(true);
    const onEvent = (e: RunEvent) => {
      if (e.event === 'token' && typeof e.data === 'string') updateLast((m) => ({ ...m, content: m.content + e.data }));
      else if (e.event === 'error') updateLast((m) => ({ ...m, error: String(e.data) }));
      else if (e.event === 'abort') updateLast((m) => ({ ...m, stopped: true }));
      else if (e.event === 'metadata' && typeof e.data === 'object' && e.data && 'runId' in e.data) run.current!.runId = String((e.data as { runId: unknown }).runId);
    };
    try {
      await streamPrediction(
        ({ runId, lastEventId, signal }) => {
          if (!runId) {
            return apiFetch('POST', `/prediction/${chatflowId}`, { question: text, chatId: chatId.current, streaming: true }, { signal, headers: { Accept: 'text/event-stream' } }).then((response) => {
              run.current!.runId = response.headers.get('X-Run-Id') ?? undefined;
              return response;
            });
          }
          return apiFetch('GET', `/runs/${runId}/events`, undefined, { signal, headers: lastEventId ? { 'Last-Event-ID': lastEventId } : {} });
        },
        onEvent,
        controller.signal,
      );
    } catch (error) {
      if (error instanceof ApiError) onError(error.body);
      if (!controller.signal.aborted) updateLast((m) => ({ ...m, error: error instanceof Error ? error.message : String(error) }));
    } finally {
      setRunning(false);
      run.current = undefined;
    }
  }

  async function stop() {
    const current = run.current;
    if (!current) return;
    // Abort the run on the server (its stream then ends with `abort`); without a run id yet, drop the request.
    if (current.runId) await api('POST', `/runs/${current.runId}/abort`).catch(() => current.controller.abort());
    else current.controller.abort();
  }

  async function clear() {
    run.current?.controller.abort();
    await api('DELETE', `/chatmessage/${chatflowId}?chatId=${encodeURIComponent(chatId.current)}`);
    const fresh = uuid();
    sessionStorage.setItem(chatIdKey(chatflowId), fresh);
    chatId.current = fresh;
    setMessages([]);
  }

  return (
    <aside className="chat-panel" aria-label="Test chat">
      <header>
        <h2>Chat</h2>
        <button type="button" onClick={() => void clear()}>
          Clear chat
        </button>
        <button type="button" className="icon" aria-label="Close chat" onClick={onClose}>
          ×
        </button>
      </header>
      {unsaved && <p className="hint">The chat runs the saved chatflow: save to try your latest changes.</p>}
      <div className="messages" aria-live="polite">
        {messages.length === 0 && starterPrompts.length > 0 && (
          <div className="starters">
            {starterPrompts.map((prompt) => (
              <button type="button" key={prompt} onClick={() => void send(prompt)}>
                {prompt}
              </button>
            ))}
          </div>
        )}
        {messages.map((m, i) => (
          <div key={i} className={`message ${m.role === 'userMessage' ? 'user' : 'bot'}`} data-role={m.role}>
            {m.role === 'apiMessage' ? <Markdown>{m.content}</Markdown> : <p>{m.content}</p>}
            {m.error && (
              <p className="message-error" role="alert">
                {m.error}
              </p>
            )}
            {m.stopped && <p className="hint">Stopped</p>}
          </div>
        ))}
        <div ref={bottom} />
      </div>
      <form
        className="chat-input"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          void send(question);
        }}
      >
        <textarea
          aria-label="Type your question"
          placeholder="Type your question"
          rows={2}
          value={question}
          onChange={(e) => setQuestion(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              void send(question);
            }
          }}
        />
        {running ? (
          <button type="button" className="danger" onClick={() => void stop()}>
            Stop
          </button>
        ) : (
          <button type="submit" className="primary">
            Send
          </button>
        )}
      </form>
    </aside>
  );
}
