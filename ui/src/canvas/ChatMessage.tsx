import type { ComponentProps } from 'react';
import Markdown from 'react-markdown';
import remarkGfm from 'remark-gfm';
import type { NodeTraceEntry, SourceDocument } from '../api/trace';
import { RunTrace } from './RunTrace';

export interface Message {
  /** Stable while the chat is open (answers are updated by it after the stream ends). */
  key: string;
  role: 'userMessage' | 'apiMessage';
  content: string;
  error?: string;
  stopped?: boolean;
  /** The nodes of the run that produced this answer (live `node` events, then the stored trace). */
  trace?: NodeTraceEntry[];
  sourceDocuments?: SourceDocument[];
  /** A stored answer's run (its trace is read when opened). */
  runId?: string;
  /** Set by a `restart` event (a worker took the run over): "Worker restarted (attempt 2)". */
  restarted?: string;
}

/**
 * What an answer becomes on a `restart` event (api-contract §8.6: another worker runs the flow again from
 * the start, and only the tokens after the last `restart` make up the answer): the previous attempt's
 * text, trace, source documents and error are dropped, and a note says which attempt now answers.
 * `data` is the event's `"attempt <n>"`.
 */
export function restartedAnswer(message: Message, data: unknown): Message {
  const { error: _error, sourceDocuments: _documents, ...rest } = message;
  const attempt = /\d+/.exec(String(data))?.[0];
  return { ...rest, content: '', trace: [], restarted: attempt ? `Worker restarted (attempt ${attempt})` : 'Worker restarted' };
}

/** Links in answers open in a new tab, never replacing the canvas. */
const components = {
  a: ({ node: _node, ...props }: ComponentProps<'a'> & { node?: unknown }) => <a {...props} target="_blank" rel="noopener noreferrer" />,
};
const plugins = [remarkGfm];

/** One chat bubble, and under an answer its run's trace (beside the bubble, so the answer's text stays the answer). */
export function ChatMessage({ message, waiting }: { message: Message; waiting: boolean }) {
  if (message.role === 'userMessage') return <Bubble message={message} waiting={waiting} />;
  return (
    <>
      <Bubble message={message} waiting={waiting} />
      <RunTrace trace={message.trace ?? []} sourceDocuments={message.sourceDocuments ?? []} {...(message.runId ? { runId: message.runId } : {})} />
    </>
  );
}

/** Answers as Markdown (GFM tables, strikethrough, task lists), questions as text. */
function Bubble({ message, waiting }: { message: Message; waiting: boolean }) {
  return (
    <div className={`message ${message.role === 'userMessage' ? 'user' : 'bot'}`} data-role={message.role}>
      {message.role === 'apiMessage' ? (
        <Markdown remarkPlugins={plugins} components={components}>
          {message.content}
        </Markdown>
      ) : (
        <p>{message.content}</p>
      )}
      {waiting && message.content === '' && !message.error && (
        <span className="typing" role="status" aria-label="Typing…">
          <span />
          <span />
          <span />
        </span>
      )}
      {message.error && (
        <p className="message-error" role="alert">
          {message.error}
        </p>
      )}
      {message.restarted && (
        <p className="hint restart-note" role="note">
          {message.restarted}
        </p>
      )}
      {message.stopped && <p className="hint">Stopped</p>}
    </div>
  );
}
