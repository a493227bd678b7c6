import { Background, Controls, type Edge, getViewportForBounds, MiniMap, type Node, type NodeTypes, type EdgeTypes, type OnEdgesChange, type OnNodesChange, ReactFlow, ReactFlowProvider, useReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { type DragEvent, Suspense, lazy, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { ApiError, api } from '../api/client';
import { loadCatalogue } from '../api/catalogue';
import type { Chatflow } from '../api/types';
import { ImportDialog } from '../components/ImportDialog';
import { download } from '../components/download';
import { copySelection, isClip } from '../flow/clipboard';
import { isValidConnection } from '../flow/connections';
import { exportFileName, exportFlow } from '../flow/export';
import { type EditorNode, loadFlow, saveFlow } from '../flow/flow-data';
import { arrange } from '../flow/layout';
import type { CatalogueNode } from '../flow/types';
import { findProblems, problemFromError } from '../flow/validation';
import { ApiDialog } from './ApiDialog';
import { ButtonEdge } from './ButtonEdge';
import { CanvasDialogs } from './CanvasDialogs';
import { clearDraft, readDraft, writeDraft, type Draft } from './drafts';
import { FlowNodeCard, StickyNoteCard } from './FlowNodeCard';
import { DRAG_TYPE, Palette } from './Palette';
import { useCanvas } from './store';
import { useCanvasKeys } from './use-canvas-keys';

// The chat (with its Markdown renderer) loads when first opened, not with the canvas.
const ChatPanel = lazy(() => import('./ChatPanel').then((m) => ({ default: m.ChatPanel })));

// Defined once: React Flow re-mounts every node when these objects change identity.
const nodeTypes: NodeTypes = { customNode: FlowNodeCard, stickyNote: StickyNoteCard };
const edgeTypes: EdgeTypes = { buttonedge: ButtonEdge };
const CLIP_KEY = 'aimicromind:clipboard';

function starterPrompts(chatbotConfig: string | null | undefined): string[] {
  try {
    const config = JSON.parse(chatbotConfig ?? '{}') as { starterPrompts?: Record<string, { prompt?: string }> };
    return Object.values(config.starterPrompts ?? {}).map((p) => p.prompt ?? '').filter(Boolean);
  } catch {
    return [];
  }
}

/**
 * Fits the view to nodes from their positions (measured sizes where known, else a typical card), so a
 * large flow opens framed without waiting for every node to be rendered and measured.
 */
function viewportFor(nodes: readonly EditorNode[]): { x: number; y: number; zoom: number } {
  if (nodes.length === 0) return { x: 0, y: 0, zoom: 1 };
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const node of nodes) {
    minX = Math.min(minX, node.position.x);
    minY = Math.min(minY, node.position.y);
    maxX = Math.max(maxX, node.position.x + (node.measured?.width ?? 300));
    maxY = Math.max(maxY, node.position.y + (node.measured?.height ?? 420));
  }
  const box = document.querySelector('.canvas-area')?.getBoundingClientRect();
  return getViewportForBounds({ x: minX, y: minY, width: maxX - minX, height: maxY - minY }, box?.width ?? 1000, box?.height ?? 700, 0.1, 1, 0.1);
}

function Editor({ chatflowId }: { chatflowId?: string }) {
  const flow = useReactFlow();
  const [, navigate] = useLocation();
  const canvas = useCanvas();
  const [catalogue, setCatalogue] = useState<CatalogueNode[]>([]);
  const byName = useMemo(() => new Map(catalogue.map((n) => [n.name, n])), [catalogue]);
  const [chatflow, setChatflow] = useState<Chatflow>();
  const [name, setName] = useState('Untitled chatflow');
  const [error, setError] = useState('');
  const [panel, setPanel] = useState<'palette' | 'chat' | undefined>();
  const [dialog, setDialog] = useState<'api' | 'import' | 'conflict' | 'draft' | undefined>();
  const [draft, setDraft] = useState<Draft>();
  /** The chatflow on the canvas (`new` for an unsaved one); null until the first load. */
  const loadedId = useRef<string | null>(null);

  const show = useCallback(
    (flowData: string, catalogueMap: ReadonlyMap<string, CatalogueNode>, dirty = false) => {
      const loaded = loadFlow(flowData, catalogueMap);
      const nodes = loaded.needsLayout ? arrange(loaded.nodes, loaded.edges) : loaded.nodes;
      useCanvas.getState().reset(nodes, loaded.edges);
      if (dirty) useCanvas.setState({ dirty: true });
      void flow.setViewport(loaded.viewport && !loaded.needsLayout ? loaded.viewport : viewportFor(nodes));
    },
    [flow],
  );

  useEffect(() => {
    if (loadedId.current === (chatflowId ?? 'new')) return;
    loadedId.current = chatflowId ?? 'new';
    void (async () => {
      try {
        const [nodes, current] = await Promise.all([loadCatalogue(), chatflowId ? api<Chatflow>('GET', `/chatflows/${chatflowId}`) : undefined]);
        setCatalogue(nodes);
        const map = new Map(nodes.map((n) => [n.name, n]));
        setChatflow(current);
        setName(current?.name ?? 'Untitled chatflow');
        show(current?.flowData ?? '{"nodes":[],"edges":[]}', map);
        const saved = readDraft(chatflowId);
        if (saved && saved.flowData !== current?.flowData) (setDraft(saved), setDialog('draft'));
      } catch (e) {
        setError((e as Error).message);
      }
    })();
  }, [chatflowId, show]);

  // While there are unsaved changes: keep a local draft, and warn before the tab closes.
  useEffect(() => {
    if (!canvas.dirty) return;
    const id = setTimeout(() => writeDraft(chatflow?.id, { name, flowData: JSON.stringify(saveFlow(canvas.nodes, canvas.edges, flow.getViewport())), ...(chatflow ? { version: chatflow.version } : {}), savedAt: new Date().toISOString() }), 300);
    const guard = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', guard);
    return () => (clearTimeout(id), window.removeEventListener('beforeunload', guard));
  }, [canvas.dirty, canvas.nodes, canvas.edges, name, chatflow, flow]);

  const save = useCallback(
    async (overwrite = false) => {
      const { nodes, edges } = useCanvas.getState();
      const flowData = JSON.stringify(saveFlow(nodes, edges, flow.getViewport()));
      const problems = findProblems(nodes);
      useCanvas.getState().setProblems(Object.fromEntries(problems.map((p) => [p.nodeId, p.message])));
      setError('');
      try {
        let saved: Chatflow;
        if (!chatflow) {
          saved = await api<Chatflow>('POST', '/chatflows', { name, flowData });
          clearDraft(undefined);
          loadedId.current = saved.id;
          navigate(`/canvas/${saved.id}`, { replace: true });
        } else {
          const headers: Record<string, string> = overwrite ? {} : { 'If-Match': `"${chatflow.version}"` };
          saved = await api<Chatflow>('PUT', `/chatflows/${chatflow.id}`, { name, flowData }, { headers });
        }
        setChatflow(saved);
        clearDraft(saved.id);
        useCanvas.getState().markSaved();
        setDialog(undefined);
      } catch (e) {
        if (e instanceof ApiError && e.status === 409) setDialog('conflict');
        else setError((e as Error).message);
      }
    },
    [chatflow, flow, name, navigate],
  );

  const actions = useMemo(
    () => ({
      save: () => void save(),
      undo: () => useCanvas.getState().undo(),
      redo: () => useCanvas.getState().redo(),
      copy: () => {
        const { nodes, edges } = useCanvas.getState();
        const selected = new Set<string>(nodes.filter((n) => n.selected).map((n) => n.id));
        if (selected.size > 0) localStorage.setItem(CLIP_KEY, JSON.stringify(copySelection(nodes, edges, selected)));
      },
      paste: () => {
        const clip = JSON.parse(localStorage.getItem(CLIP_KEY) ?? 'null') as unknown;
        if (isClip(clip)) useCanvas.getState().paste(clip);
      },
    }),
    [save],
  );
  useCanvasKeys(actions);

  /** Palette picks: right of the rightmost node (a chain of picks reads left to right), else mid-view. */
  const addPicked = (def: CatalogueNode) => {
    const nodes = useCanvas.getState().nodes;
    const last = nodes.reduce<(typeof nodes)[number] | undefined>((a, n) => (!a || n.position.x > a.position.x ? n : a), undefined);
    if (last) {
      canvas.addNode(def, { x: last.position.x + (last.measured?.width ?? 300) + 60, y: last.position.y });
    } else {
      const box = document.querySelector('.canvas-area')?.getBoundingClientRect();
      canvas.addNode(def, flow.screenToFlowPosition({ x: (box?.left ?? 0) + 80, y: (box?.top ?? 0) + 60 }));
    }
    void flow.setViewport(viewportFor(useCanvas.getState().nodes));
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    const def = byName.get(event.dataTransfer.getData(DRAG_TYPE));
    if (def) canvas.addNode(def, flow.screenToFlowPosition({ x: event.clientX, y: event.clientY }));
  };

  const leave = (event: React.MouseEvent) => {
    if (canvas.dirty && !window.confirm('Leave without saving? Your draft stays in this browser.')) event.preventDefault();
  };

  const problemCount = Object.keys(canvas.problems).length;
  return (
    <div className="canvas-page">
      <header className="canvas-bar">
        <Link href="/chatflows" className="button icon" aria-label="Back to chatflows" onClick={leave}>
          ←
        </Link>
        <input className="flow-name" aria-label="Chatflow name" value={name} onChange={(e) => (setName(e.target.value), useCanvas.setState({ dirty: true }))} />
        <span className={canvas.dirty ? 'status unsaved' : 'status'} role="status">
          {canvas.dirty ? 'Unsaved changes' : chatflow ? 'Saved' : 'New'}
        </span>
        {problemCount > 0 && <span className="status problem">{problemCount === 1 ? '1 node needs attention' : `${problemCount} nodes need attention`}</span>}
        <span className="spacer" />
        <button type="button" onClick={() => setPanel(panel === 'palette' ? undefined : 'palette')} aria-expanded={panel === 'palette'}>
          Add node
        </button>
        <button type="button" className="icon" aria-label="Undo" disabled={!canvas.canUndo} onClick={actions.undo}>
          ↶
        </button>
        <button type="button" className="icon" aria-label="Redo" disabled={!canvas.canRedo} onClick={actions.redo}>
          ↷
        </button>
        <button type="button" onClick={() => canvas.arrange()}>
          Arrange
        </button>
        <button type="button" onClick={() => setDialog('import')}>
          Import
        </button>
        <button type="button" onClick={() => download(exportFileName(name), JSON.stringify(exportFlow(saveFlow(canvas.nodes, canvas.edges)), null, 2))}>
          Export
        </button>
        <button type="button" disabled={!chatflow} onClick={() => setDialog('api')}>
          API Endpoint
        </button>
        <button type="button" disabled={!chatflow} onClick={() => setPanel(panel === 'chat' ? undefined : 'chat')} aria-expanded={panel === 'chat'}>
          Chat
        </button>
        <button type="button" className="primary" onClick={() => void save()}>
          Save
        </button>
      </header>
      {error && (
        <p className="error banner" role="alert">
          {error}
        </p>
      )}
      <div className="canvas-body">
        {panel === 'palette' && <Palette nodes={catalogue} onPick={addPicked} onClose={() => setPanel(undefined)} />}
        <div className="canvas-area" onDrop={onDrop} onDragOver={(e) => (e.preventDefault(), (e.dataTransfer.dropEffect = 'move'))}>
          <ReactFlow
            nodes={canvas.nodes as unknown as Node[]}
            edges={canvas.edges as Edge[]}
            nodeTypes={nodeTypes}
            edgeTypes={edgeTypes}
            onNodesChange={canvas.onNodesChange as unknown as OnNodesChange}
            onEdgesChange={canvas.onEdgesChange as unknown as OnEdgesChange}
            onConnect={(c) => c.sourceHandle && c.targetHandle && canvas.connect({ source: c.source, target: c.target, sourceHandle: c.sourceHandle, targetHandle: c.targetHandle })}
            isValidConnection={(c) => isValidConnection(useCanvas.getState(), { source: c.source, target: c.target, sourceHandle: c.sourceHandle ?? '', targetHandle: c.targetHandle ?? '' })}
            onDelete={({ nodes, edges }) => canvas.deleteElements(nodes.map((n) => n.id), edges.map((e) => e.id))}
            deleteKeyCode={['Delete', 'Backspace']}
            minZoom={0.1}
            onlyRenderVisibleElements
          >
            <Background gap={20} />
            <Controls />
            <MiniMap pannable zoomable ariaLabel="Minimap" />
          </ReactFlow>
        </div>
        {panel === 'chat' && chatflow && (
          <Suspense fallback={<aside className="chat-panel">Loading the chat…</aside>}>
          <ChatPanel
            chatflowId={chatflow.id}
            starterPrompts={starterPrompts(chatflow.chatbotConfig)}
            unsaved={canvas.dirty}
            onError={(body) => {
              const problem = problemFromError(body, canvas.nodes.map((n) => n.id));
              if (problem) canvas.setProblems({ ...useCanvas.getState().problems, [problem.nodeId]: problem.message });
            }}
            onClose={() => setPanel(undefined)}
          />
          </Suspense>
        )}
      </div>
      {chatflow && <ApiDialog chatflow={chatflow} open={dialog === 'api'} onClose={() => setDialog(undefined)} onBound={(updated) => setChatflow((c) => (c && updated.version === c.version + 1 ? updated : { ...updated, version: c?.version ?? updated.version }))} />}
      <ImportDialog
        open={dialog === 'import'}
        onClose={() => setDialog(undefined)}
        onImport={async (text) => {
          const loaded = loadFlow(text, byName);
          const nodes = loaded.needsLayout ? arrange(loaded.nodes, loaded.edges) : loaded.nodes;
          canvas.replace(nodes, loaded.edges);
          setDialog(undefined);
          void flow.setViewport(viewportFor(nodes));
        }}
      />
      <CanvasDialogs
        dialog={dialog}
        draft={draft}
        onClose={() => setDialog(undefined)}
        onReload={async () => {
          const current = await api<Chatflow>('GET', `/chatflows/${chatflow!.id}`);
          setChatflow(current);
          setName(current.name);
          show(current.flowData, byName);
          clearDraft(current.id);
          setDialog(undefined);
        }}
        onOverwrite={() => void save(true)}
        onRestore={() => {
          setName(draft!.name);
          show(draft!.flowData, byName, true);
          setDialog(undefined);
        }}
        onDiscard={() => (clearDraft(chatflow?.id), setDialog(undefined))}
      />
    </div>
  );
}

export default function CanvasPage({ chatflowId }: { chatflowId?: string }) {
  return (
    <ReactFlowProvider>
      <Editor {...(chatflowId ? { chatflowId } : {})} />
    </ReactFlowProvider>
  );
}
