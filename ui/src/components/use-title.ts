import { useEffect } from 'react';

/** Sets the tab's title to `<page> · aimicromind` while the page is shown. */
export function useTitle(page: string): void {
  useEffect(() => {
    document.title = page ? `${page} · aimicromind` : 'aimicromind';
  }, [page]);
}
