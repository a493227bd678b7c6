/**
 * Lets the event loop run timers and I/O before going on. Long work done in slices (SQLite statements,
 * which better-sqlite3 runs synchronously; hashing thousands of chunks) awaits this between slices,
 * so requests are answered while it runs. (Awaiting a resolved promise only runs microtasks.)
 */
export const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
