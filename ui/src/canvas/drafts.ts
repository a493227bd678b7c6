import { uuid } from '../components/uuid';
import { type Draft, type DraftEntry, chooseDraft, draftKey, parseDraftKey } from '../flow/draft-choice';

/**
 * Local drafts: the open canvas is copied to localStorage while it has unsaved changes, so a crash, a
 * closed tab or a reload does not lose work. Each tab writes its own draft (its id lives in
 * sessionStorage, which survives a reload but not a new tab), so a save in one tab never removes the
 * unsaved work of another.
 */
export type { Draft };

const TAB_KEY = 'aimicromind:tab';

/** This tab's id: kept for the tab's life (reloads included), new in a new tab. */
export function tabId(): string {
  let id = sessionStorage.getItem(TAB_KEY);
  if (!id) sessionStorage.setItem(TAB_KEY, (id = uuid()));
  return id;
}

function entries(chatflowId: string | undefined): DraftEntry[] {
  const out: DraftEntry[] = [];
  for (let i = 0; i < localStorage.length; i += 1) {
    const key = localStorage.key(i);
    const parsed = key ? parseDraftKey(key) : undefined;
    if (!parsed || parsed.chatflowId !== (chatflowId ?? 'new')) continue;
    try {
      out.push({ tabId: parsed.tabId, draft: JSON.parse(localStorage.getItem(key!) ?? '') as Draft });
    } catch {
      // a damaged entry: ignore it
    }
  }
  return out;
}

/** The draft to offer: this tab's, else (a fresh tab) the newest other tab's newer than `savedAt`. */
export function readDraft(chatflowId: string | undefined, savedAt?: string): (Draft & { tabId: string }) | undefined {
  const chosen = chooseDraft(entries(chatflowId), tabId(), savedAt);
  return chosen ? { ...chosen.draft, tabId: chosen.tabId } : undefined;
}

export function writeDraft(chatflowId: string | undefined, draft: Draft): void {
  try {
    localStorage.setItem(draftKey(chatflowId, tabId()), JSON.stringify(draft));
  } catch {
    // storage full or disabled: the guard on leaving still warns
  }
}

/** Removes this tab's draft (or, given its id, the draft of the tab it came from). */
export function clearDraft(chatflowId: string | undefined, ofTab = tabId()): void {
  localStorage.removeItem(draftKey(chatflowId, ofTab));
}
