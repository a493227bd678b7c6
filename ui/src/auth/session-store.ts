import { create } from 'zustand';
import { ApiError, api, onSessionExpired } from '../api/client';
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
  /** The sign-in dialog was closed without signing in: the waiting calls fail (the page stays as it is). */
  dismissExpired(): void;
}

let waiters: Array<{ resume: () => void; fail: (error: Error) => void }> = [];

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
      for (const waiter of pending) waiter.resume();
    }
  },
  dismissExpired() {
    if (!get().expired) return;
    set({ expired: false });
    const pending = waiters;
    waiters = [];
    for (const waiter of pending) waiter.fail(new ApiError(401, 'You are signed out: sign in again to save (your work is kept on this page)', null));
  },
  async signOut() {
    await api('POST', '/auth/logout', undefined, { noReauth: true });
    set({ phase: 'signedOut', expired: false });
  },
}));

// A 401 in the middle of work: keep the page, ask to sign in, then let the call retry.
onSessionExpired(
  () =>
    new Promise<void>((resume, fail) => {
      waiters.push({ resume, fail });
      useSession.setState({ expired: true });
    }),
);
