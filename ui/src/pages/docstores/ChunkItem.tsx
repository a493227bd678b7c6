import type { ReactNode } from 'react';

/** One chunk as the store pages show it: a header (number, score, actions), the text, the metadata JSON. */
export function ChunkItem({ head, content, metadata }: { head?: ReactNode; content: string; metadata: string }) {
  return (
    <li className="chunk">
      {head && <header>{head}</header>}
      <pre>{content}</pre>
      <code className="chunk-meta">{metadata}</code>
    </li>
  );
}
