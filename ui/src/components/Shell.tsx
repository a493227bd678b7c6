import type { ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { useSession } from '../auth/session-store';
import { ThemeSwitch } from './ThemeSwitch';

/** The header of the list pages: navigation (the Queue page in queue mode), version and sign out. */
export function Shell({ children }: { children: ReactNode }) {
  const { status, signOut } = useSession();
  const [location] = useLocation();
  const nav = [
    ['/chatflows', 'Chatflows'],
    ['/executions', 'Executions'],
    ['/document-stores', 'Document Stores'],
    ['/tools', 'Tools'],
    ['/variables', 'Variables'],
    ['/credentials', 'Credentials'],
    ['/apikeys', 'API Keys'],
    ...(status?.mode === 'queue' ? ([['/queue', 'Queue']] as const) : []),
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
        </nav>
        <span className="spacer" />
        <ThemeSwitch />
        <span className="version">v{status?.version}</span>
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <main className="page">{children}</main>
    </div>
  );
}
