import { javascript } from '@codemirror/lang-javascript';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { tags } from '@lezer/highlight';
import { EditorView, basicSetup } from 'codemirror';
import { useEffect, useRef } from 'react';
import type { CodeEditorProps } from './CodeEditor';

/** Colours from the page's variables, so the editor follows light and dark mode. */
const theme = EditorView.theme({
  '&': { backgroundColor: 'var(--input-bg, var(--panel))', color: 'var(--text)', border: '1px solid var(--line)', borderRadius: '6px', fontSize: '12px' },
  '&.cm-focused': { outline: '2px solid var(--accent)' },
  '.cm-scroller': { fontFamily: "ui-monospace, 'DejaVu Sans Mono', monospace", minHeight: '180px', maxHeight: '45vh' },
  '.cm-gutters': { backgroundColor: 'var(--bg)', color: 'var(--muted)', borderRight: '1px solid var(--line)' },
  '.cm-activeLine, .cm-activeLineGutter': { backgroundColor: 'var(--hover, transparent)' },
  '.cm-content': { caretColor: 'var(--text)' },
  // The search panel (Ctrl+F) sits inside our forms: undo the form's column labels and full-width inputs,
  // and paint it with the page's colours (CodeMirror's own are light-mode only).
  '.cm-panels': { backgroundColor: 'var(--panel)', color: 'var(--text)' },
  '.cm-panels.cm-panels-bottom': { borderTop: '1px solid var(--line)' },
  '.cm-search': { paddingRight: '28px', lineHeight: '2' },
  '.cm-search label': { display: 'inline-flex', flexDirection: 'row', alignItems: 'center', gap: '4px', margin: '0 6px 0 2px', fontWeight: 'normal', fontSize: '12px', color: 'var(--text)' },
  '.cm-search input.cm-textfield': { width: '14em', padding: '2px 6px', fontSize: '12px', margin: '0 4px 0 0', backgroundColor: 'var(--input-bg, var(--panel))', color: 'var(--text)', border: '1px solid var(--line)' },
  '.cm-search input[type=checkbox]': { width: 'auto', margin: 0 },
  '.cm-search .cm-button': { backgroundImage: 'none', backgroundColor: 'var(--panel)', color: 'var(--text)', border: '1px solid var(--line)', borderRadius: '4px', padding: '2px 8px', fontSize: '12px', margin: '0 4px 0 0' },
  '.cm-search button[name=close]': { position: 'absolute', top: '4px', right: '6px', padding: '0 4px', border: 'none', background: 'none', color: 'var(--muted)', fontSize: '16px' },
});

/**
 * Syntax colours from the page's variables too (CodeMirror's default style has fixed light-mode colours,
 * which it keeps only as the fallback for tags not listed here).
 */
const highlight = HighlightStyle.define([
  { tag: [tags.keyword, tags.controlKeyword, tags.operatorKeyword, tags.definitionKeyword, tags.moduleKeyword], color: 'var(--accent)' },
  { tag: [tags.string, tags.special(tags.string), tags.regexp], color: 'var(--ok, #2b8a3e)' },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: 'var(--warn)' },
  { tag: [tags.comment, tags.lineComment, tags.blockComment], color: 'var(--muted)', fontStyle: 'italic' },
  { tag: [tags.variableName, tags.propertyName, tags.function(tags.variableName)], color: 'var(--text)' },
  { tag: tags.invalid, color: 'var(--danger)' },
]);

/**
 * CodeMirror 6 in a React component (the default export, loaded lazily by CodeEditor). The document is
 * the editor's own; `value` changes made outside (an import, a reset) replace it, and each edit is
 * reported through `onChange`. Tab is left to focus navigation (keyboard users can leave the editor).
 */
export default function CodeMirrorEditor({ label, value, onChange }: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const report = useRef(onChange);
  report.current = onChange;

  useEffect(() => {
    const editor = new EditorView({
      parent: host.current!,
      doc: value,
      extensions: [
        basicSetup,
        javascript(),
        syntaxHighlighting(highlight),
        theme,
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ 'aria-label': label }),
        EditorView.updateListener.of((update) => update.docChanged && report.current(update.state.doc.toString())),
      ],
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
    // Created once; later values arrive through the effect below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [label]);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const current = editor.state.doc.toString();
    if (current !== value) editor.dispatch({ changes: { from: 0, to: current.length, insert: value } });
  }, [value]);

  return <div ref={host} className="code-editor" />;
}
