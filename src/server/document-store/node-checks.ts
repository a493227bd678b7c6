import type { NodeDefinition } from '../../engine/nodes/node-definition.js';
import type { NodeRegistry } from '../../engine/nodes/node-registry.js';
import { loaderFieldForFile } from '../../engine/files/file-fields.js';
import { AppError } from '../../shared/app-error.js';

/** The node `name` names, which must be one of `category`; else 400 naming the field (`what`) and the name. */
export function requireNode(registry: NodeRegistry, name: string | undefined, category: string, what: string): NodeDefinition {
  const definition = name ? registry.get(name) : undefined;
  if (!definition || definition.category !== category) {
    throw new AppError('VALIDATION_FAILED', 400, `${what}: "${name ?? ''}" is not a node aimicromind runs in ${category}`);
  }
  return definition;
}

/** A file goes to the loader input of its extension; a loader without that input would drop it silently. */
export function checkLoaderTakes(loader: NodeDefinition, fileName: string): void {
  const field = loaderFieldForFile(fileName);
  if (loader.inputs.some((input) => input.name === field)) return;
  const takes = loader.inputs.filter((input) => input.type === 'file').map((input) => input.name);
  throw new AppError(
    'BAD_REQUEST',
    400,
    `File "${fileName}" (files) would feed the loader input "${field}", which the loader "${loader.name}" does not have` +
      (takes.length > 0 ? ` (it takes ${takes.join(', ')})` : ' (it takes no files)'),
  );
}
