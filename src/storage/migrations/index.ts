import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './001-initial.js';
import * as uiAuth from './003-ui-auth.js';
import * as agents from './004-agents.js';
import * as toolsVariables from './005-tools-variables.js';
import * as vectors from './006-vectors.js';
import * as uploadsDocstores from './007-uploads-docstores.js';
import * as upsertRetention from './008-upsert-retention.js';
import * as reconcile from './009-reconcile.js';
import * as chatflowVersions from './010-chatflow-versions.js';
import * as runTrace from './011-run-trace.js';
import * as runList from './012-run-list.js';

/** Migrations are listed in code (not scanned from disk) so the built package carries them. */
const MIGRATIONS: Record<string, Migration> = {
  '001-initial': initial,
  '003-ui-auth': uiAuth,
  '004-agents': agents,
  '005-tools-variables': toolsVariables,
  '006-vectors': vectors,
  '007-uploads-docstores': uploadsDocstores,
  '008-upsert-retention': upsertRetention,
  '009-reconcile': reconcile,
  '010-chatflow-versions': chatflowVersions,
  '011-run-trace': runTrace,
  '012-run-list': runList,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
