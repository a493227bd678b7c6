import { StrictMode, Suspense, lazy, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { Redirect, Route, Switch } from 'wouter';
import { SetupForm } from './auth/SetupForm';
import { SignInForm } from './auth/SignInForm';
import { loadCatalogue } from './api/catalogue';
import { useSession } from './auth/session-store';
import { Dialog } from './components/Dialog';
import { Shell } from './components/Shell';
import { ShortcutSheet } from './components/ShortcutSheet';
import { useTitle } from './components/use-title';
import { useTheme } from './components/theme';
import { ApiKeysPage } from './pages/ApiKeysPage';
import { ChatflowsPage } from './pages/ChatflowsPage';
import { CredentialsPage } from './pages/CredentialsPage';
import { QueuePage } from './pages/QueuePage';
import { ToolsPage } from './pages/tools/ToolsPage';
import { VariablesPage } from './pages/tools/VariablesPage';
import { ExecutionsPage } from './pages/ExecutionsPage';
import { RunPage } from './pages/RunPage';
import './app.css';

// The stored or system theme is on <html> before anything renders.
useTheme.getState();

// The canvas (React Flow, dagre, markdown) is its own chunk: the chatflows page does not load it.
const loadCanvas = () => import('./canvas/CanvasPage');
const CanvasPage = lazy(loadCanvas);
// The document store pages (with the canvas's param editors) are their own chunk too.
const loadStores = () => import('./pages/docstores/pages');
const DocumentStoresPage = lazy(() => loadStores().then((m) => ({ default: m.DocumentStoresPage })));
const DocumentStorePage = lazy(() => loadStores().then((m) => ({ default: m.DocumentStorePage })));
const storesFallback = <p className="loading">Loading the document stores…</p>;
// Opening a canvas URL directly: fetch the chunk and the catalogue while the session is checked.
if (window.location.pathname.startsWith('/canvas')) {
  void loadCanvas();
  void loadCatalogue({ noReauth: true }).catch(() => undefined);
}

function Pages() {
  return (
    <Switch>
      <Route path="/canvas/:id">
        {(params) => (
          <Suspense fallback={<p className="loading">Loading the canvas…</p>}>
            <CanvasPage chatflowId={params.id} />
          </Suspense>
        )}
      </Route>
      <Route path="/canvas">
        <Suspense fallback={<p className="loading">Loading the canvas…</p>}>
          <CanvasPage />
        </Suspense>
      </Route>
      <Route path="/credentials">
        <Shell>
          <CredentialsPage />
        </Shell>
      </Route>
      <Route path="/apikeys">
        <Shell>
          <ApiKeysPage />
        </Shell>
      </Route>
      <Route path="/chatflows">
        <Shell>
          <ChatflowsPage />
        </Shell>
      </Route>
      <Route path="/queue">
        <Shell>
          <QueuePage />
        </Shell>
      </Route>
      <Route path="/tools">
        <Shell>
          <ToolsPage />
        </Shell>
      </Route>
      <Route path="/variables">
        <Shell>
          <VariablesPage />
        </Shell>
      </Route>
      <Route path="/document-stores/:id">
        {(params) => (
          <Shell>
            <Suspense fallback={storesFallback}>
              <DocumentStorePage storeId={params.id} />
            </Suspense>
          </Shell>
        )}
      </Route>
      <Route path="/document-stores">
        <Shell>
          <Suspense fallback={storesFallback}>
            <DocumentStoresPage />
          </Suspense>
        </Shell>
      </Route>
      <Route path="/executions/:runId">
        {(params) => (
          <Shell>
            <RunPage runId={params.runId} />
          </Shell>
        )}
      </Route>
      <Route path="/executions">
        <Shell>
          <ExecutionsPage />
        </Shell>
      </Route>
      <Route>
        <Redirect to="/chatflows" />
      </Route>
    </Switch>
  );
}

function App() {
  const { phase, expired, refresh, signedIn, dismissExpired } = useSession();
  useEffect(() => void refresh(), [refresh]);
  useTitle(phase === 'setup' ? 'Create the admin account' : phase === 'signedOut' ? 'Sign in' : '');
  if (phase === 'loading') return <p className="loading">Loading…</p>;
  if (phase === 'offline') return <p className="loading">The server cannot be reached. Reload the page to try again.</p>;
  if (phase === 'signedOut' || phase === 'setup') {
    return (
      <main className="signin">
        <h1>aimicromind</h1>
        {phase === 'setup' ? <SetupForm onSignedIn={() => void signedIn()} /> : <SignInForm onSignedIn={() => void signedIn()} />}
      </main>
    );
  }
  return (
    <>
      <Pages />
      <ShortcutSheet />
      <Dialog title="Session expired: sign in again" open={expired} onClose={dismissExpired}>
        <p>Your work is kept on this page. Sign in to go on.</p>
        <SignInForm onSignedIn={() => void signedIn()} />
      </Dialog>
    </>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
