import { createContext } from 'react';
import type { NodeData } from '../flow/types';

/**
 * The nodes of a saved version shown read-only (VersionView), by id. Node params read their values
 * from the editor's store; inside a version view they read them from here instead, so the view shows
 * the version's values without touching the editor's state.
 */
export const ViewedNodes = createContext<ReadonlyMap<string, NodeData> | undefined>(undefined);
