import { Suspense, lazy } from 'react';

// CodeMirror is its own chunk: only pages that edit code load it.
const CodeMirrorEditor = lazy(() => import('./CodeMirrorEditor'));

export interface CodeEditorProps {
  /** The accessible name of the editing area (screen readers, tests). */
  label: string;
  value: string;
  onChange: (value: string) => void;
}

/** A JavaScript editor (CodeMirror 6: highlighting, bracket matching, undo, search). */
export function CodeEditor(props: CodeEditorProps) {
  return (
    <Suspense fallback={<p className="hint">Loading the code editor…</p>}>
      <CodeMirrorEditor {...props} />
    </Suspense>
  );
}
