import type { FlowPlan } from '../graph/flow-plan.js';
import { variablesMap } from './variables.js';

/**
 * `overrideConfig` → node inputs (flowise-nodes.md §2.3). Only params the chatflow enables in
 * `apiConfig.overrideConfig` are applied, per node label; variables likewise by name.
 */
export interface OverrideSettings {
  enabled: boolean;
  /** label → param names enabled for override. */
  nodeParams: ReadonlyMap<string, ReadonlySet<string>>;
  variables: ReadonlySet<string>;
}

export const NO_OVERRIDES: OverrideSettings = { enabled: false, nodeParams: new Map(), variables: new Set() };

type Toggle = { name?: unknown; enabled?: unknown };
const enabledNames = (list: unknown): string[] =>
  Array.isArray(list)
    ? list.filter((t: Toggle) => t && t.enabled === true && typeof t.name === 'string').map((t: Toggle) => t.name as string)
    : [];

/** Reads `chatflow.apiConfig` (a JSON string, as Flowise stores it). */
export function parseOverrideSettings(apiConfig: string | null | undefined): OverrideSettings {
  if (!apiConfig) return NO_OVERRIDES;
  let parsed: unknown;
  try {
    parsed = JSON.parse(apiConfig);
  } catch {
    return NO_OVERRIDES;
  }
  const override = (parsed as { overrideConfig?: { status?: unknown; nodes?: unknown; variables?: unknown } })?.overrideConfig;
  if (!override || override.status !== true) return NO_OVERRIDES;
  const nodeParams = new Map<string, Set<string>>();
  if (override.nodes && typeof override.nodes === 'object') {
    for (const [label, toggles] of Object.entries(override.nodes as Record<string, unknown>)) {
      nodeParams.set(label, new Set(enabledNames(toggles)));
    }
  }
  return { enabled: true, nodeParams, variables: new Set(enabledNames(override.variables)) };
}

export interface AppliedOverrides {
  /** Node id → inputs with overrides applied (only nodes that changed). */
  inputs: Map<string, Record<string, unknown>>;
  vars: Record<string, unknown>;
}

const NOT_NODE_PARAMS = new Set(['sessionId', 'vars', 'analytics']);

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function normalize(value: unknown): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  if (isPlainObject(value)) return value;
  if (typeof value === 'string') {
    try {
      const parsed = JSON.parse(value) as unknown;
      return isPlainObject(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function merged(existing: unknown, value: unknown): unknown {
  if (isPlainObject(value)) {
    const base = asObject(existing);
    return base ? { ...base, ...value } : value;
  }
  if (Array.isArray(value)) return Array.isArray(existing) ? [...new Set([...existing, ...value])] : value;
  return value;
}

export function applyOverrides(
  plan: Pick<FlowPlan, 'allNodes'>,
  overrideConfig: Record<string, unknown> | undefined,
  settings: OverrideSettings,
): AppliedOverrides {
  const applied: AppliedOverrides = { inputs: new Map(), vars: variablesMap() };
  if (!overrideConfig || !settings.enabled) return applied;

  const inputsOf = (nodeId: string): Record<string, unknown> => {
    let inputs = applied.inputs.get(nodeId);
    if (!inputs) {
      inputs = { ...plan.allNodes.get(nodeId)!.inputs };
      applied.inputs.set(nodeId, inputs);
    }
    return inputs;
  };

  for (const [param, raw] of Object.entries(overrideConfig)) {
    if (NOT_NODE_PARAMS.has(param)) continue;
    const value = normalize(raw);
    const enabledNodes = [...plan.allNodes.values()].filter((n) => settings.nodeParams.get(n.label)?.has(param));
    if (enabledNodes.length === 0) continue;
    const byNodeId = isPlainObject(value) && Object.keys(value).some((key) => plan.allNodes.has(key));
    for (const node of enabledNodes) {
      if (byNodeId) {
        if (!(node.id in (value as Record<string, unknown>))) continue;
        const nodeValue = normalize((value as Record<string, unknown>)[node.id]);
        const inputs = inputsOf(node.id);
        inputs[param] = isPlainObject(nodeValue) ? merged(inputs[param], nodeValue) : nodeValue;
      } else {
        const inputs = inputsOf(node.id);
        inputs[param] = merged(inputs[param], value);
      }
    }
  }

  const vars = overrideConfig.vars;
  if (isPlainObject(vars)) {
    for (const [name, value] of Object.entries(vars)) if (settings.variables.has(name)) applied.vars[name] = value;
  }
  return applied;
}
