import type { ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { useSession } from '../auth/session-store';

/** The header of the list pages: navigation, the queue dashboard (queue mode), version and sign out. */
export function Shell({ children }: { children: ReactNode }) {
  const { status, signOut } = useSession();
  const [location] = useLocation();
  const nav = [
    ['/chatflows', 'Chatflows'],
    ['/credentials', 'Credentials'],
    ['/apikeys', 'API Keys'],
    ['/executions', 'Executions'],
  ] as const;
  return (
    <div className="shell">
      <header className="topbar">
        <strong className="brand">aimicromind</strong>
        <nav aria-label="Main">
          {nav.map(([href, label]) => (
            <Link key={href} href={href} aria-current={location === href || location.startsWith(`${href}/`) ? 'page' : undefined}>
              {label}
            </Link>
          ))}
          {status?.queueDashboard && (
            <a href="/admin/queues" target="_blank" rel="noreferrer">
              Queues
            </a>
          )}
        </nav>
        <span className="spacer" />
        <span className="version">v{status?.version}</span>
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <main className="page">{children}</main>
    </div>
  );
}
