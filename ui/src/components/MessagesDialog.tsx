import { useCallback, useEffect, useState } from 'react';
import { type ChatSession, SESSION_WINDOW, type SessionFilter, type StoredMessage, deleteSession, listSessions, sessionMessages } from '../api/messages';
import { ConfirmDialog } from './ConfirmDialog';
import { Dialog } from './Dialog';
import { ErrorText } from './ListParts';
import '../pages/executions.css';

const asText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value, null, 2));

/** One stored message: its text, the tools and source documents of an answer, and its feedback. */
function StoredMessageView({ message }: { message: StoredMessage }) {
  const who = message.role === 'userMessage' ? 'User' : 'Assistant';
  return (
    <article className={`stored-message ${message.role}`} aria-label={`${who} message`}>
      <p className="hint">
        {who} · {new Date(message.createdDate).toLocaleString()}
      </p>
      <p>{message.content}</p>
      {message.usedTools && message.usedTools.length > 0 && (
        <details>
          <summary>Used tools ({message.usedTools.length})</summary>
          {message.usedTools.map((tool, i) => (
            <div key={i}>
              <strong>{tool.tool}</strong>
              <pre>{asText(tool.toolInput)}</pre>
              <pre>{asText(tool.toolOutput)}</pre>
            </div>
          ))}
        </details>
      )}
      {message.sourceDocuments && message.sourceDocuments.length > 0 && (
        <details>
          <summary>Source documents ({message.sourceDocuments.length})</summary>
          {message.sourceDocuments.map((doc, i) => (
            <pre key={i}>{doc.pageContent ?? asText(doc)}</pre>
          ))}
        </details>
      )}
      {message.feedback && (
        <p className={`feedback ${message.feedback.rating}`} aria-label="Feedback">
          {message.feedback.rating === 'THUMBS_UP' ? 'Thumbs up' : 'Thumbs down'}
          {message.feedback.content ? `: “${message.feedback.content}”` : ''}
        </p>
      )}
    </article>
  );
}

/**
 * The messages viewer of one chatflow: its sessions (one per chatId: first question, time, message
 * count), the chosen session's messages with their feedback, and deleting a session.
 */
export function MessagesDialog({ chatflowId, name, open, onClose }: { chatflowId: string; name: string; open: boolean; onClose: () => void }) {
  const [sessions, setSessions] = useState<ChatSession[]>();
  const [chosen, setChosen] = useState<string>();
  const [messages, setMessages] = useState<StoredMessage[]>();
  const [deleting, setDeleting] = useState(false);
  const [error, setError] = useState('');
  const [filter, setFilter] = useState<SessionFilter>({});

  const reload = useCallback(async () => {
    try {
      const list = await listSessions(chatflowId, filter);
      setSessions(list);
      setChosen((current) => (current && list.some((s) => s.chatId === current) ? current : list[0]?.chatId));
    } catch (e) {
      setError((e as Error).message);
    }
  }, [chatflowId, filter]);
  useEffect(() => {
    if (open) void reload();
    else (setSessions(undefined), setChosen(undefined), setMessages(undefined), setError(''), setFilter({}));
  }, [open, reload]);
  useEffect(() => {
    setMessages(undefined);
    if (!chosen) return;
    let current = true;
    sessionMessages(chatflowId, chosen).then(
      (list) => current && setMessages(list),
      (e: Error) => current && setError(e.message),
    );
    return () => void (current = false);
  }, [chatflowId, chosen]);

  async function remove() {
    setDeleting(false);
    setError('');
    try {
      await deleteSession(chatflowId, chosen!);
      setChosen(undefined);
      await reload();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  const session = sessions?.find((s) => s.chatId === chosen);
  // The confirmation is a sibling, not a child: React would pass its close event up to this dialog.
  return (
    <>
      <Dialog title={`Messages of ${name}`} open={open} onClose={onClose} wide>
        <ErrorText error={error} />
        <form className="run-filters" aria-label="Filter sessions" onSubmit={(e) => e.preventDefault()}>
          <label>
            Source
            <select value={filter.chatType ?? ''} onChange={(e) => setFilter({ ...filter, chatType: e.target.value })}>
              <option value="">All chats</option>
              <option value="INTERNAL">Test chat (UI)</option>
              <option value="EXTERNAL">API and embed</option>
            </select>
          </label>
          <label>
            Feedback
            <select value={filter.feedbackType ?? ''} onChange={(e) => setFilter({ ...filter, feedbackType: e.target.value })}>
              <option value="">Any</option>
              <option value="THUMBS_UP">With thumbs up</option>
              <option value="THUMBS_DOWN">With thumbs down</option>
            </select>
          </label>
        </form>
        {sessions === undefined ? (
          <p>Loading…</p>
        ) : sessions.length === 0 ? (
          <p className="empty">{filter.chatType || filter.feedbackType ? 'No session matches.' : 'No messages yet.'}</p>
        ) : (
          <div className="messages-view">
            <nav aria-label="Sessions">
              <ul className="sessions">
                {sessions.map((s) => (
                  <li key={s.chatId}>
                    <button type="button" aria-current={s.chatId === chosen} onClick={() => setChosen(s.chatId)}>
                      {s.firstMessage.slice(0, 80) || '(empty)'}
                      <small>
                        {new Date(s.lastDate).toLocaleString()} · {s.count === 1 ? '1 message' : `${s.count} messages`}
                      </small>
                      <small>{s.chatId}</small>
                    </button>
                  </li>
                ))}
              </ul>
              {sessions.length > 0 && <p className="hint">From the latest {SESSION_WINDOW} messages.</p>}
            </nav>
            <section className="conversation" aria-label="Conversation">
              {session && (
                <header>
                  <span className="hint">
                    Chat <code>{session.chatId}</code>
                    {session.sessionId && session.sessionId !== session.chatId && (
                      <>
                        {' '}
                        · session <code>{session.sessionId}</code>
                      </>
                    )}
                  </span>
                  <span className="spacer" />
                  <button type="button" className="danger" onClick={() => setDeleting(true)}>
                    Delete session
                  </button>
                </header>
              )}
              {messages === undefined ? <p>Loading…</p> : messages.map((m) => <StoredMessageView key={m.id} message={m} />)}
            </section>
          </div>
        )}
      </Dialog>
      <ConfirmDialog
        title="Delete session"
        message={`Delete the ${session?.count ?? ''} messages of chat ${chosen ?? ''}? Their feedback goes too. This cannot be undone.`}
        confirm="Delete"
        open={deleting}
        onClose={() => setDeleting(false)}
        onConfirm={() => void remove()}
      />
    </>
  );
}
