import { useCallback, useEffect, useRef } from 'react';

const GUARD = 'aimicromindGuard';
const guarded = () => Boolean((history.state as Record<string, unknown> | null)?.[GUARD]);

/**
 * Guards unsaved work against leaving the page: closing or reloading the tab asks (beforeunload), and so
 * does the browser's Back button. For Back, the canvas adds a history entry of its own (same URL) while
 * it has unsaved changes: Back lands there first, the user is asked, and only a yes goes back further.
 * Returns `release`, which removes that entry (done by itself once the changes are saved).
 */
export function useLeaveGuard(dirty: boolean, question: string): () => Promise<void> {
  const releasing = useRef<(() => void) | undefined>(undefined);
  const release = useCallback(
    () =>
      new Promise<void>((resolve) => {
        if (!guarded()) return resolve();
        releasing.current = resolve;
        history.back();
      }),
    [],
  );

  useEffect(() => {
    if (!dirty) return;
    const beforeUnload = (event: BeforeUnloadEvent) => event.preventDefault();
    const stop = () => (window.removeEventListener('popstate', onPop), window.removeEventListener('beforeunload', beforeUnload));
    function onPop() {
      const done = releasing.current;
      if (done) return (releasing.current = undefined), done();
      if (guarded()) return; // Forward, back onto our own entry
      if (window.confirm(question)) {
        stop();
        history.back();
      } else {
        history.pushState({ [GUARD]: true }, '', window.location.href);
      }
    }
    window.addEventListener('beforeunload', beforeUnload);
    window.addEventListener('popstate', onPop);
    if (!guarded()) history.pushState({ ...((history.state as object | null) ?? {}), [GUARD]: true }, '', window.location.href);
    return stop;
  }, [dirty, question]);

  useEffect(() => {
    if (!dirty) void release();
  }, [dirty, release]);
  return release;
}
