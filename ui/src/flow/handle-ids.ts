/**
 * Flowise's handle ids, which encode what a handle accepts (Flowise ui `utils/genericHelper.js`):
 * inputs `<nodeId>-input-<name>-<Type>`, outputs `<nodeId>-output-<name>-<T1|T2|…>`. Node ids are
 * `<name>_<n>` and never contain `-`, so the first segment is the node and the last one the types.
 */

export const inputHandleId = (nodeId: string, name: string, type: string) => `${nodeId}-input-${name}-${type}`;

export const outputHandleId = (nodeId: string, name: string, types: readonly string[]) => `${nodeId}-output-${name}-${types.join('|')}`;

/** The types a handle id carries (its last `-` segment, split on `|`). */
export function handleTypes(handleId: string): string[] {
  const last = handleId.slice(handleId.lastIndexOf('-') + 1);
  return last
    .split('|')
    .map((type) => type.trim())
    .filter(Boolean);
}

/** The input's name in a target handle id (third segment). */
export function handleInputName(handleId: string): string {
  return handleId.split('-')[2] ?? '';
}

export const handleNodeId = (handleId: string) => handleId.split('-')[0] ?? '';

/** The reference a connected input holds (flowise-nodes.md §1). */
export const instanceRef = (nodeId: string) => `{{${nodeId}.data.instance}}`;

/** `<name>_<n>` with the smallest free n (Flowise's `getUniqueNodeId`). */
export function uniqueNodeId(name: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  let n = 0;
  while (used.has(`${name}_${n}`)) n += 1;
  return `${name}_${n}`;
}
