import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { Suspense, lazy, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useLocation } from 'wouter';
import { ApiError, UnreachableError, api } from '../api/client';
import { loadCatalogue } from '../api/catalogue';
import { readSettings } from '../api/chatflow-config';
import { fetchCredentials, useCredentialChanges } from '../api/credentials';
import type { Chatflow } from '../api/types';
import type { Version } from '../api/versions';
import { ImportDialog } from '../components/ImportDialog';
import { download } from '../components/download';
import { useTitle } from '../components/use-title';
import { copySelection, isClip } from '../flow/clipboard';
import { exportFileName, exportFlow } from '../flow/export';
import { loadFlow, saveFlow } from '../flow/flow-data';
import { arrange } from '../flow/layout';
import { DEFAULT_NODE_SIZE, freePasteOffset, freeSpot } from '../flow/placement';
import type { CatalogueNode } from '../flow/types';
import { problemFromError } from '../flow/validation';
import { useRunMarks } from './run-marks';
import { ApiDialog } from './ApiDialog';
import { UpsertHistoryDialog } from './UpsertHistoryDialog';
import { CanvasDialogs } from './CanvasDialogs';
import { CanvasToolbar } from './CanvasToolbar';
import { ConfigurationDialog } from './ConfigurationDialog';
import { clearDraft, readDraft, writeDraft, type Draft } from './drafts';
import { FlowPane } from './FlowPane';
import { NodeDialogs } from './NodeDialogs';
import { Palette } from './Palette';
import { ProblemsList } from './ProblemsList';
import { useCanvas } from './store';
import { useCanvasKeys } from './use-canvas-keys';
import { useLeaveGuard } from './use-leave-guard';
import { VersionView } from './VersionView';
import { VersionsPanel } from './VersionsPanel';
import { FIT_MAX_ZOOM, viewportFor, visibleCenter } from './viewport';

// The chat (with its Markdown renderer) loads when first opened, not with the canvas.
const ChatPanel = lazy(() => import('./ChatPanel').then((m) => ({ default: m.ChatPanel })));
const MessagesDialog = lazy(() => import('../components/MessagesDialog').then((m) => ({ default: m.MessagesDialog })));

const CLIP_KEY = 'aimicromind:clipboard';
const LEAVE_QUESTION = 'Leave without saving? Your draft stays in this browser.';
const UNREACHABLE = 'The server is not reachable; your changes are kept in this browser. Save again once it is back.';

function Editor({ chatflowId }: { chatflowId?: string }) {
  const flow = useReactFlow();
  const [, navigate] = useLocation();
  const canvas = useCanvas();
  const [catalogue, setCatalogue] = useState<CatalogueNode[]>([]);
  const byName = useMemo(() => new Map(catalogue.map((n) => [n.name, n])), [catalogue]);
  const [chatflow, setChatflow] = useState<Chatflow>();
  const [name, setName] = useState('Untitled chatflow');
  const [error, setError] = useState('');
  const [panel, setPanel] = useState<'palette' | 'chat' | 'versions' | undefined>();
  /** A saved version shown read-only in place of the editor (the editor's state stays as it was). */
  const [viewing, setViewing] = useState<Version>();
  const [showProblems, setShowProblems] = useState(false);
  const [dialog, setDialog] = useState<'api' | 'config' | 'upsertHistory' | 'messages' | 'import' | 'conflict' | 'gone' | 'draft' | undefined>();
  const [draft, setDraft] = useState<Draft & { tabId: string }>();
  const credentialVersion = useCredentialChanges((s) => s.version);
  /** The chatflow on the canvas (`new` for an unsaved one); null until the first load. */
  const loadedId = useRef<string | null>(null);
  useTitle(name);
  const release = useLeaveGuard(canvas.dirty, LEAVE_QUESTION);

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
    useRunMarks.getState().reset();
    void (async () => {
      try {
        const [nodes, current] = await Promise.all([loadCatalogue(), chatflowId ? api<Chatflow>('GET', `/chatflows/${chatflowId}`) : undefined]);
        setCatalogue(nodes);
        const map = new Map(nodes.map((n) => [n.name, n]));
        useCanvas.getState().setKnown(new Set(map.keys()));
        setChatflow(current);
        setName(current?.name ?? 'Untitled chatflow');
        show(current?.flowData ?? '{"nodes":[],"edges":[]}', map);
        const saved = readDraft(chatflowId, current?.updatedDate);
        if (saved && saved.flowData !== current?.flowData) (setDraft(saved), setDialog('draft'));
      } catch (e) {
        setError((e as Error).message);
      }
    })();
  }, [chatflowId, show]);

  // The stored credentials' ids, so a node whose credential was deleted is flagged (again after any change).
  useEffect(() => {
    fetchCredentials().then((list) => useCanvas.getState().setCredentialIds(new Set(list.map((c) => c.id))), () => undefined);
  }, [credentialVersion]);

  const keepDraft = useCallback(() => {
    const { nodes, edges } = useCanvas.getState();
    writeDraft(chatflow?.id, { name, flowData: JSON.stringify(saveFlow(nodes, edges, flow.getViewport())), ...(chatflow ? { version: chatflow.version } : {}), savedAt: new Date().toISOString() });
  }, [chatflow, flow, name]);

  // While there are unsaved changes, keep a local draft (the leave guard asks before the tab closes).
  useEffect(() => {
    if (!canvas.dirty) return;
    const id = setTimeout(keepDraft, 300);
    return () => clearTimeout(id);
  }, [canvas.dirty, canvas.nodes, canvas.edges, keepDraft]);

  const save = useCallback(
    async (mode: 'check' | 'overwrite' | 'asNew' = 'check', versionMessage = '') => {
      const { nodes, edges } = useCanvas.getState();
      const flowData = JSON.stringify(saveFlow(nodes, edges, flow.getViewport()));
      useCanvas.getState().check({});
      if (Object.keys(useCanvas.getState().problems).length > 0) setShowProblems(true);
      setError('');
      const body = { name, flowData, ...(versionMessage ? { versionMessage } : {}) };
      try {
        let saved: Chatflow;
        if (!chatflow || mode === 'asNew') {
          saved = await api<Chatflow>('POST', '/chatflows', body);
          clearDraft(chatflow?.id);
          await release();
          loadedId.current = saved.id;
          navigate(`/canvas/${saved.id}`, { replace: true });
        } else {
          const headers: Record<string, string> = mode === 'overwrite' ? {} : { 'If-Match': `"${chatflow.version}"` };
          saved = await api<Chatflow>('PUT', `/chatflows/${chatflow.id}`, body, { headers });
        }
        setChatflow(saved);
        clearDraft(saved.id);
        useCanvas.getState().markSaved();
        setDialog(undefined);
      } catch (e) {
        if (e instanceof ApiError && e.status === 409) setDialog('conflict');
        else if (e instanceof ApiError && e.status === 404 && chatflow) setDialog('gone');
        else if (e instanceof UnreachableError) (keepDraft(), setError(UNREACHABLE));
        else setError((e as Error).message);
      }
    },
    [chatflow, flow, name, navigate, release, keepDraft],
  );

  const actions = useMemo(
    () => ({
      save: () => void save(),
      undo: () => useCanvas.getState().undo(),
      redo: () => useCanvas.getState().redo(),
      selectAll: () => useCanvas.getState().selectAll(),
      copy: () => {
        const { nodes, edges } = useCanvas.getState();
        const selected = new Set<string>(nodes.filter((n) => n.selected).map((n) => n.id));
        if (selected.size > 0) localStorage.setItem(CLIP_KEY, JSON.stringify(copySelection(nodes, edges, selected, chatflow?.id ?? 'new')));
      },
      paste: () => {
        const clip = JSON.parse(localStorage.getItem(CLIP_KEY) ?? 'null') as unknown;
        if (!isClip(clip)) return;
        const sameFlow = (clip.flowId ?? 'new') === (chatflow?.id ?? 'new');
        const offset = freePasteOffset(clip.nodes, useCanvas.getState().nodes, { sameFlow, center: visibleCenter(flow.screenToFlowPosition) });
        useCanvas.getState().paste(clip, offset);
      },
    }),
    [save, chatflow, flow],
  );
  useCanvasKeys(actions);

  // A settings save (API key, configuration) bumps the version; a save by someone else in between keeps ours, so the canvas's next save still sees the conflict.
  const settingsSaved = (updated: Chatflow) => setChatflow((c) => (c && updated.version === c.version + 1 ? updated : { ...updated, version: c?.version ?? updated.version }));

  /** Palette picks land at the visible centre (or the nearest free spot around it); the zoom stays. */
  const addPicked = (def: CatalogueNode) => {
    const spot = freeSpot(visibleCenter(flow.screenToFlowPosition), useCanvas.getState().nodes);
    canvas.addNode(def, spot);
    const box = document.querySelector('.canvas-area')?.getBoundingClientRect();
    const topLeft = flow.screenToFlowPosition({ x: box?.left ?? 0, y: box?.top ?? 0 });
    const bottomRight = flow.screenToFlowPosition({ x: box?.right ?? 1000, y: box?.bottom ?? 700 });
    const visible = spot.x >= topLeft.x && spot.y >= topLeft.y && spot.x + 60 <= bottomRight.x && spot.y + 60 <= bottomRight.y;
    if (!visible) void flow.setCenter(spot.x + DEFAULT_NODE_SIZE.width / 2, spot.y + DEFAULT_NODE_SIZE.height / 2, { zoom: flow.getZoom() });
  };

  return (
    <div className="canvas-page">
      <CanvasToolbar
        name={name}
        onName={(value) => (setName(value), useCanvas.setState({ dirty: true }))}
        saved={chatflow !== undefined}
        panel={showProblems ? 'problems' : panel}
        canApi={chatflow !== undefined}
        actions={{
          undo: actions.undo,
          redo: actions.redo,
          arrange: () => (canvas.arrange(), void flow.setViewport(viewportFor(useCanvas.getState().nodes))),
          importFile: () => setDialog('import'),
          exportFile: () => download(exportFileName(name), JSON.stringify(exportFlow(saveFlow(canvas.nodes, canvas.edges)), null, 2)),
          api: () => setDialog('api'),
          configure: () => setDialog('config'),
          upsertHistory: () => setDialog('upsertHistory'),
          messages: () => setDialog('messages'),
          save: actions.save,
          saveWithMessage: (message) => void save('check', message),
          versions: () => (setPanel(panel === 'versions' ? undefined : 'versions'), setViewing(undefined)),
          togglePalette: () => (setPanel(panel === 'palette' ? undefined : 'palette'), setViewing(undefined)),
          toggleChat: () => setPanel(panel === 'chat' ? undefined : 'chat'),
          toggleProblems: () => setShowProblems(!showProblems),
          leave: (event) => {
            if (canvas.dirty && !window.confirm(LEAVE_QUESTION)) event.preventDefault();
          },
        }}
      />
      {error && (
        <p className="error banner" role="alert">
          {error}
        </p>
      )}
      <div className="canvas-body">
        {panel === 'palette' && <Palette nodes={catalogue} onPick={addPicked} onClose={() => setPanel(undefined)} />}
        {viewing ? (
          <VersionView version={viewing} byName={byName} onBack={() => setViewing(undefined)} />
        ) : (
          <FlowPane byName={byName}>
            {showProblems && <ProblemsList onClose={() => setShowProblems(false)} onShow={(nodeId) => void flow.fitView({ nodes: [{ id: nodeId }], maxZoom: FIT_MAX_ZOOM, padding: 0.3 })} />}
          </FlowPane>
        )}
        {panel === 'versions' && chatflow && (
          <VersionsPanel
            chatflow={chatflow}
            viewing={viewing?.n}
            unsaved={canvas.dirty}
            onView={setViewing}
            onRestored={(restored) => (setViewing(undefined), setChatflow(restored), setName(restored.name), show(restored.flowData, byName), clearDraft(restored.id))}
            onClose={() => (setPanel(undefined), setViewing(undefined))}
          />
        )}
        {panel === 'chat' && chatflow && (
          <Suspense fallback={<aside className="chat-panel">Loading the chat…</aside>}>
            <ChatPanel
              chatflowId={chatflow.id}
              starterPrompts={readSettings(chatflow).starterPrompts}
              unsaved={canvas.dirty}
              onError={(body) => {
                const problem = problemFromError(body, useCanvas.getState().nodes.map((n) => n.id));
                if (problem) useCanvas.getState().report(problem.nodeId, problem.message);
              }}
              onClose={() => setPanel(undefined)}
            />
          </Suspense>
        )}
      </div>
      <NodeDialogs />
      {chatflow && <ApiDialog chatflow={chatflow} open={dialog === 'api'} onClose={() => setDialog(undefined)} onBound={settingsSaved} />}
      {chatflow && <ConfigurationDialog chatflow={chatflow} open={dialog === 'config'} onClose={() => setDialog(undefined)} onSaved={settingsSaved} />}
      {chatflow && <UpsertHistoryDialog chatflowId={chatflow.id} open={dialog === 'upsertHistory'} onClose={() => setDialog(undefined)} />}
      {chatflow && dialog === 'messages' && (
        <Suspense>
          <MessagesDialog chatflowId={chatflow.id} name={chatflow.name} open onClose={() => setDialog(undefined)} />
        </Suspense>
      )}
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
        onSaveAsNew={() => void save('asNew')}
        onReload={async () => {
          const current = await api<Chatflow>('GET', `/chatflows/${chatflow!.id}`);
          setChatflow(current);
          setName(current.name);
          show(current.flowData, byName);
          clearDraft(current.id);
          setDialog(undefined);
        }}
        onOverwrite={() => void save('overwrite')}
        onRestore={() => {
          setName(draft!.name);
          show(draft!.flowData, byName, true);
          setDialog(undefined);
        }}
        onDiscard={() => (clearDraft(chatflow?.id, draft?.tabId), setDialog(undefined))}
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
