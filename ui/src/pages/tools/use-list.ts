import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../../api/client';

/** A failure as the user reads it: the server's message, or the error's text. */
export const errorText = (e: unknown): string => (e instanceof ApiError ? e.message : e instanceof Error ? e.message : String(e));

/**
 * A list page's items, loaded on mount and by `reload`; `error` holds the last failure (of the load, or one
 * a page action reports with `setError`), so nothing the server says is swallowed.
 */
export function useList<T>(load: () => Promise<T[]>) {
  const [items, setItems] = useState<T[]>();
  const [error, setError] = useState('');
  const reload = useCallback(async () => {
    try {
      setItems(await load());
    } catch (e) {
      setError(errorText(e));
    }
  }, [load]);
  useEffect(() => void reload(), [reload]);
  return { items, error, setError, reload };
}
