import { randomBytes } from 'node:crypto';
import { hashApiKey } from '../../security/api-key-hash.js';
import type { Logger } from '../../shared/logger.js';
import type { UiAuthRepository } from '../../storage/repositories/ui-auth-repository.js';

/**
 * First visit without any admin credential: whoever creates the admin account must show a one-time setup
 * token that only someone who can read the server's log has. Each replica adds its own token (stored
 * hashed, so any replica accepts it); creating the account deletes them all.
 */
export async function announceSetupToken(repo: UiAuthRepository, logger: Logger): Promise<void> {
  if (await repo.getAdmin()) return;
  // Hex only: a double-click selects the whole token (base64url's `-` and `_` cut the selection).
  const token = randomBytes(20).toString('hex');
  await repo.addSetupToken(hashApiKey(token));
  logger.warn(
    { setupToken: token },
    `No admin credential is configured: open the web UI and create the admin account with setup token ${token}`,
  );
}

/** Whether a server printed this token and no admin account was created since. */
export function isSetupTokenValid(repo: UiAuthRepository, token: string): Promise<boolean> {
  return repo.setupTokenExists(hashApiKey(token));
}
