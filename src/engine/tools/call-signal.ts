import type { RunnableConfig } from '@langchain/core/runnables';

/** The signal a tool call obeys: the run's (captured when the tool was built) and the caller's, if another. */
export function callSignal(config: RunnableConfig | undefined, runSignal: AbortSignal): AbortSignal {
  return config?.signal && config.signal !== runSignal ? AbortSignal.any([config.signal, runSignal]) : runSignal;
}
