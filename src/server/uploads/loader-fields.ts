import { loaderFieldForFile } from '../../engine/files/file-fields.js';
import type { FlowPlan } from '../../engine/graph/flow-plan.js';
import type { OverrideSettings } from '../../engine/run/override-config.js';
import { AppError } from '../../shared/app-error.js';
import { loaderFieldEnabled } from './prediction-uploads.js';

/**
 * Refuses (400) an uploaded file that would have no effect on an upsert, saying why: no loader of the
 * chatflow takes its type (the input its extension maps to exists on no node), or that input is not
 * enabled for override (Flowise ignores such a file silently, its #3897).
 */
export function checkLoaderField(plan: Pick<FlowPlan, 'allNodes'>, settings: OverrideSettings, fileName: string): void {
  const field = loaderFieldForFile(fileName);
  if (loaderFieldEnabled(plan, settings, field)) return;
  const takers = [...plan.allNodes.values()].filter((node) => node.definition.inputs.some((spec) => spec.name === field));
  if (takers.length === 0) {
    const inputs = [...new Set([...plan.allNodes.values()].flatMap((node) => node.definition.inputs.filter((s) => s.type === 'file').map((s) => s.name)))];
    throw new AppError(
      'BAD_REQUEST',
      400,
      `File "${fileName}" (files) would feed the loader input "${field}", but no node of this chatflow has it: this chatflow has no loader for such files` +
        (inputs.length > 0 ? ` (its loaders take ${inputs.join(', ')})` : ' (it has no file loader)'),
    );
  }
  throw new AppError(
    'BAD_REQUEST',
    400,
    `File "${fileName}" (files) would feed the loader input "${field}" of ${takers.map((n) => `"${n.label}"`).join(', ')}, which this chatflow does not enable for override ` +
      `(apiConfig.overrideConfig: turn on status and "${field}" for the loader's label)`,
  );
}
