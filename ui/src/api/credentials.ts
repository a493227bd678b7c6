import { create } from 'zustand';
import type { Credential } from './types';
import { api } from './client';

/**
 * Stored credentials as the canvas lists them. Nothing is cached past a request: every picker asks
 * again when it mounts or opens and after any credential is added, changed or deleted (`changed`), so
 * a list never outlives the credentials it shows. Concurrent asks for one list share one request.
 */
export const useCredentialChanges = create<{ version: number }>(() => ({ version: 0 }));

/** Call after adding, editing or deleting a credential: open pickers refetch. */
export function credentialsChanged(): void {
  useCredentialChanges.setState((s) => ({ version: s.version + 1 }));
}

const inFlight = new Map<string, Promise<Credential[]>>();

/** `GET /credentials?<query>` (e.g. `credentialName=openAIApi`), shared while in flight. */
export function fetchCredentials(query = ''): Promise<Credential[]> {
  let pending = inFlight.get(query);
  if (!pending) {
    pending = api<Credential[]>('GET', `/credentials${query ? `?${query}` : ''}`).finally(() => inFlight.delete(query));
    inFlight.set(query, pending);
  }
  return pending;
}
