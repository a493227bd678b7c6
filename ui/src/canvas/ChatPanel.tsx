import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError, api, apiFetch } from '../api/client';
import { uuid } from '../components/uuid';
import { type NodeTraceEntry, type SourceDocument, TRACE_HEADERS, fetchRunTrace, withEntry } from '../api/trace';
import { type RunEvent, streamPrediction } from '../flow/run-stream';
import { ChatMessage, type Message, restartedAnswer } from './ChatMessage';
import { useRunMarks } from './run-marks';

const chatIdKey = (chatflowId: string) => `aimicromind:chat:${chatflowId}`;

function chatIdFor(chatflowId: string): string {
  const stored = sessionStorage.getItem(chatIdKey(chatflowId));
  if (stored) return stored;
  const id = uuid();
  sessionStorage.setItem(chatIdKey(chatflowId), id);
  return id;
}

function parseFollowUps(text: string): string[] {
  try {
    const list = JSON.parse(text) as unknown;
    return Array.isArray(list) ? list.filter((q): q is string => typeof q === 'string' && q.trim() !== '') : [];
  } catch {
    return [];
  }
}

/** The run being streamed: its request, its run id once known (`started`), and its stream's end (`done`). */
interface ActiveRun {
  controller: AbortController;
  runId?: string;
  started: Promise<void>;
  done: Promise<void>;
}

/**
 * The canvas's test chat: shows the chat's stored messages, streams the saved chatflow's answer, Stop
 * aborts the run, Clear aborts it too, waits for its end and then deletes the chat's messages (so memory
 * starts afresh). A cut stream reattaches with backoff ("Reconnecting…"). Errors are shown in the
 * conversation; an error about a node (`nodeId`) is handed to `onError` so the canvas outlines it.
 */
export function ChatPanel({ chatflowId, starterPrompts, unsaved, onError, onClose }: { chatflowId: string; starterPrompts: string[]; unsaved: boolean; onError: (body: unknown) => void; onClose: () => void }) {
  const [messages, setMessages] = useState<Message[]>([]);
  const [question, setQuestion] = useState('');
  const [running, setRunning] = useState(false);
  const [reconnecting, setReconnecting] = useState(false);
  const [notice, setNotice] = useState('');
  /** The last answer's follow-up prompts (SSE `metadata.followUpPrompts`, a JSON string of `string[]`). */
  const [followUps, setFollowUps] = useState<string[]>([]);
  const run = useRef<ActiveRun | undefined>(undefined);
  const chatId = useRef(chatIdFor(chatflowId));
  const bottom = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // Braces matter: newer browsers return a Promise from scrollIntoView, which React would take for a cleanup.
    bottom.current?.scrollIntoView({ block: 'end' });
  }, [messages]);
  useEffect(() => () => run.current?.controller.abort(), []);
  // The conversation so far (reopened panel, reload): this chat's stored messages, oldest first.
  useEffect(() => {
    const controller = new AbortController();
    api<Array<{ id: string; role: string; content: string; sourceDocuments?: SourceDocument[]; runId?: string }>>('GET', `/chatmessage/${chatflowId}?chatId=${encodeURIComponent(chatId.current)}&order=ASC`, undefined, { signal: controller.signal }).then(
      (stored) =>
        setMessages((shown) =>
          shown.length > 0
            ? shown
            : stored
                .filter((m) => m.role === 'userMessage' || m.role === 'apiMessage')
                .map((m) => ({ key: m.id, role: m.role as Message['role'], content: m.content, ...(Array.isArray(m.sourceDocuments) ? { sourceDocuments: m.sourceDocuments } : {}), ...(m.runId ? { runId: m.runId } : {}) })),
        ),
      () => undefined,
    );
    return () => controller.abort();
  }, [chatflowId]);

  const updateMessage = (key: string, update: (m: Message) => Message) => setMessages((all) => all.map((m) => (m.key === key ? update(m) : m)));

  async function send(text: string) {
    if (!text.trim() || running) return;
    setQuestion('');
    setNotice('');
    setFollowUps([]);
    const answerKey = uuid();
    const updateLast = (update: (m: Message) => Message) => updateMessage(answerKey, update);
    setMessages((all) => [...all, { key: uuid(), role: 'userMessage', content: text }, { key: answerKey, role: 'apiMessage', content: '' }]);
    useRunMarks.getState().reset();
    const controller = new AbortController();
    let finish = () => undefined as void;
    let begin = () => undefined as void;
    const active: ActiveRun = { controller, started: new Promise<void>((resolve) => (begin = resolve)), done: new Promise<void>((resolve) => (finish = resolve)) };
    run.current = active;
    setRunning(true);
    const onEvent = (e: RunEvent) => {
      if (e.event === 'token' && typeof e.data === 'string') updateLast((m) => ({ ...m, content: m.content + e.data }));
      else if (e.event === 'error') {
        updateLast((m) => ({ ...m, error: String(e.data) }));
        if (e.nodeId) onError({ nodeId: e.nodeId, message: String(e.data) });
      } else if (e.event === 'abort') updateLast((m) => ({ ...m, stopped: true }));
      else if (e.event === 'metadata' && typeof e.data === 'object' && e.data) {
        const metadata = e.data as { runId?: unknown; followUpPrompts?: unknown };
        if (metadata.runId !== undefined) active.runId = String(metadata.runId);
        if (typeof metadata.followUpPrompts === 'string') setFollowUps(parseFollowUps(metadata.followUpPrompts));
      } else if (e.event === 'node' && typeof e.data === 'object' && e.data) {
        const entry = e.data as NodeTraceEntry;
        updateLast((m) => ({ ...m, trace: withEntry(m.trace ?? [], entry) }));
        useRunMarks.getState().mark(entry);
      } else if (e.event === 'restart') {
        // Another worker runs the flow again from the start: its tokens and node events replace the first attempt's.
        updateLast((m) => restartedAnswer(m, e.data));
        useRunMarks.getState().reset();
      } else if (e.event === 'sourceDocuments' && Array.isArray(e.data)) updateLast((m) => ({ ...m, sourceDocuments: e.data as SourceDocument[] }));
    };
    try {
      await streamPrediction(
        ({ runId, lastEventId, signal }) => {
          if (!runId) {
            return apiFetch('POST', `/prediction/${chatflowId}`, { question: text, chatId: chatId.current, streaming: true }, { signal, headers: { Accept: 'text/event-stream', ...TRACE_HEADERS } }).then((response) => {
              active.runId = response.headers.get('X-Run-Id') ?? undefined;
              begin();
              return response;
            });
          }
          return apiFetch('GET', `/runs/${runId}/events`, undefined, { signal, headers: { ...TRACE_HEADERS, ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}) } });
        },
        onEvent,
        controller.signal,
        { onReconnecting: setReconnecting },
      );
    } catch (error) {
      if (error instanceof ApiError) onError(error.body);
      if (!controller.signal.aborted) updateLast((m) => ({ ...m, error: error instanceof Error ? error.message : String(error) }));
    } finally {
      setRunning(false);
      setReconnecting(false);
      if (run.current === active) run.current = undefined;
      begin();
      finish();
    }
    if (active.runId) void showStoredTrace(active.runId, answerKey);
  }

  /**
   * The run's stored trace and source documents under its answer and on the canvas: complete even when
   * the answer came as JSON (a flow that does not stream) or the stream was cut. If it cannot be read,
   * what the live events showed stays.
   */
  async function showStoredTrace(runId: string, key: string) {
    try {
      const stored = await fetchRunTrace(runId);
      if (stored.trace.length > 0) useRunMarks.getState().replace(stored.trace);
      updateMessage(key, (m) => ({
        ...m,
        ...(stored.trace.length > 0 ? { trace: stored.trace } : {}),
        ...(stored.sourceDocuments.length > 0 ? { sourceDocuments: stored.sourceDocuments } : {}),
      }));
    } catch {
      // The live trace is already shown; a run that cannot be read adds nothing to fix.
    }
  }

  /**
   * Aborts the active run on the server (its stream then ends with `abort`). Before the server answered
   * the run has no id yet: wait for it, since dropping the request would leave the run going.
   */
  async function abortRun(current: ActiveRun) {
    await current.started;
    if (current.runId) await api('POST', `/runs/${current.runId}/abort`).catch(() => current.controller.abort());
    else current.controller.abort();
  }

  async function stop() {
    if (run.current) await abortRun(run.current);
  }

  async function clear() {
    setNotice('');
    const current = run.current;
    if (current) {
      // A run still going would store its question and answer after the delete: end it first.
      await abortRun(current);
      await current.done;
    }
    try {
      await api('DELETE', `/chatmessage/${chatflowId}?chatId=${encodeURIComponent(chatId.current)}`);
    } catch (error) {
      setNotice(`The chat could not be cleared: ${(error as Error).message}`);
      return;
    }
    const fresh = uuid();
    sessionStorage.setItem(chatIdKey(chatflowId), fresh);
    chatId.current = fresh;
    setMessages([]);
    setFollowUps([]);
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
      {reconnecting && (
        <p className="hint reconnecting" role="status">
          Reconnecting…
        </p>
      )}
      {notice && (
        <p className="error" role="alert">
          {notice}
        </p>
      )}
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
          <ChatMessage key={m.key} message={m} waiting={running && i === messages.length - 1} />
        ))}
        {!running && followUps.length > 0 && (
          <div className="starters" role="group" aria-label="Follow-up prompts">
            {followUps.map((prompt) => (
              <button type="button" key={prompt} onClick={() => void send(prompt)}>
                {prompt}
              </button>
            ))}
          </div>
        )}
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
