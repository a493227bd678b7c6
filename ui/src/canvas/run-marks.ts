import { create } from 'zustand';
import type { NodeTraceEntry } from '../api/trace';

interface RunMarks {
  /** The last run's entries by node id (what the canvas marks). */
  byNode: Record<string, NodeTraceEntry>;
  /** A new run starts: the previous run's marks go. */
  reset(): void;
  /** One entry arrived (live `node` event). */
  mark(entry: NodeTraceEntry): void;
  /** The run's final trace replaces whatever was marked. */
  replace(entries: readonly NodeTraceEntry[]): void;
}

/** The canvas's marks of the last test-chat run, apart from the editing store (they are not part of the flow). */
export const useRunMarks = create<RunMarks>((set) => ({
  byNode: {},
  reset: () => set({ byNode: {} }),
  mark: (entry) => set((s) => ({ byNode: { ...s.byNode, [entry.nodeId]: entry } })),
  replace: (entries) => set({ byNode: Object.fromEntries(entries.map((e) => [e.nodeId, e])) }),
}));

