import { create } from 'zustand';
import { api, onSessionExpired } from '../api/client';
import type { AuthStatus } from '../api/types';

type Phase = 'loading' | 'signedOut' | 'setup' | 'signedIn' | 'offline';

interface SessionState {
  phase: Phase;
  status?: AuthStatus;
  /** A call got 401 while the app was open: the sign-in dialog shows over the page. */
  expired: boolean;
  refresh(): Promise<void>;
  signedIn(): Promise<void>;
  signOut(): Promise<void>;
}

let waiters: Array<() => void> = [];

export const useSession = create<SessionState>((set, get) => ({
  phase: 'loading',
  expired: false,
  async refresh() {
    try {
      const status = await api<AuthStatus>('GET', '/auth/status', undefined, { noReauth: true });
      set({ status, phase: status.signedIn ? 'signedIn' : status.setupRequired ? 'setup' : 'signedOut' });
    } catch {
      set({ phase: 'offline' });
    }
  },
  async signedIn() {
    const wasExpired = get().expired;
    set({ expired: false });
    await get().refresh();
    if (wasExpired) {
      const pending = waiters;
      waiters = [];
      for (const resume of pending) resume();
    }
  },
  async signOut() {
    await api('POST', '/auth/logout', undefined, { noReauth: true });
    set({ phase: 'signedOut', expired: false });
  },
}));

// A 401 in the middle of work: keep the page, ask to sign in, then let the call retry.
onSessionExpired(
  () =>
    new Promise<void>((resolve) => {
      waiters.push(resolve);
      useSession.setState({ expired: true });
    }),
);
