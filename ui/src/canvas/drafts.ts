/**
 * Local drafts: the open canvas is copied to localStorage while it has unsaved changes, so a crash, a
 * closed tab or a reload does not lose work. Saving (or discarding) removes the draft.
 */
export interface Draft {
  name: string;
  flowData: string;
  /** The chatflow version the draft started from. */
  version?: number;
  savedAt: string;
}

const key = (chatflowId: string | undefined) => `aimicromind:draft:${chatflowId ?? 'new'}`;

export function readDraft(chatflowId: string | undefined): Draft | undefined {
  try {
    const text = localStorage.getItem(key(chatflowId));
    return text ? (JSON.parse(text) as Draft) : undefined;
  } catch {
    return undefined;
  }
}

export function writeDraft(chatflowId: string | undefined, draft: Draft): void {
  try {
    localStorage.setItem(key(chatflowId), JSON.stringify(draft));
  } catch {
    // storage full or disabled: the guard on leaving still warns
  }
}

export function clearDraft(chatflowId: string | undefined): void {
  localStorage.removeItem(key(chatflowId));
}
