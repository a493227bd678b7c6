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
      {message.stopped && <p className="hint">Stopped</p>}
    </div>
  );
}
