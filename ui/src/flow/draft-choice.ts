/** A canvas kept in the browser while it had unsaved changes (see ui/src/canvas/drafts.ts). */
export interface Draft {
  name: string;
  flowData: string;
  /** The chatflow version the draft started from. */
  version?: number;
  /** ISO time of the draft's last write. */
  savedAt: string;
}

export interface DraftEntry {
  tabId: string;
  draft: Draft;
}

const PREFIX = 'aimicromind:draft:';

/** `aimicromind:draft:<chatflowId or new>:<tabId>` */
export const draftKey = (chatflowId: string | undefined, tabId: string) => `${PREFIX}${chatflowId ?? 'new'}:${tabId}`;

export function parseDraftKey(key: string): { chatflowId: string; tabId: string } | undefined {
  if (!key.startsWith(PREFIX)) return undefined;
  const rest = key.slice(PREFIX.length);
  const colon = rest.lastIndexOf(':');
  return colon > 0 ? { chatflowId: rest.slice(0, colon), tabId: rest.slice(colon + 1) } : undefined;
}

/**
 * Which draft a tab offers to restore: its own when it has one; otherwise (a fresh tab) the newest
 * draft of another tab written after the chatflow was last saved (`savedAt`, the chatflow's
 * `updatedDate`; absent for a chatflow never saved).
 */
export function chooseDraft(entries: readonly DraftEntry[], ownTab: string, savedAt?: string): DraftEntry | undefined {
  const own = entries.find((e) => e.tabId === ownTab);
  if (own) return own;
  const saved = savedAt ? Date.parse(savedAt) : -Infinity;
  return entries
    .filter((e) => Date.parse(e.draft.savedAt) > saved)
    .sort((a, b) => Date.parse(b.draft.savedAt) - Date.parse(a.draft.savedAt))[0];
}
