import type { FlowRunner } from '../../runner/flow-runner.js';
import { errorMessage } from '../../shared/app-error.js';
import type { Logger } from '../../shared/logger.js';
import type { SseStream } from './sse-stream.js';

/**
 * Pipes a run's events into an SSE response until its `end`. If the event source fails mid-stream the
 * client still gets the contract's `error` then `end`, never a silently cut stream.
 */
export async function relayRun(
  stream: SseStream,
  runner: FlowRunner,
  runId: string,
  afterId: number,
  options: {
    detachAbort: boolean;
    logger: Logger;
    /** Whether the run has ended (a reader that resumed after its `end` gets an empty stream). */
    runEnded: () => Promise<boolean>;
  },
): Promise<void> {
  let lastId = afterId;
  let ended = false;
  try {
    for await (const event of runner.events(runId, afterId, { signal: stream.gone.signal, detachAbort: options.detachAbort })) {
      if (!stream.isOpen) break;
      await stream.send(event);
      lastId = event.id;
      if (event.name === 'end') ended = true;
    }
    if (!ended && stream.isOpen && !(lastId > 0 && (await options.runEnded()))) {
      await stream.sendRaw(lastId + 1, { event: 'error', data: 'The run ended without finishing its stream' });
      await stream.sendRaw(lastId + 2, { event: 'end', data: '[DONE]' });
    }
  } catch (error) {
    options.logger.warn({ runId, reason: errorMessage(error) }, 'event relay failed');
    if (stream.isOpen) {
      await stream.sendRaw(lastId + 1, { event: 'error', data: 'Lost the run\'s event stream; fetch the result with GET /api/v1/runs/' + runId });
      await stream.sendRaw(lastId + 2, { event: 'end', data: '[DONE]' });
    }
  } finally {
    stream.end();
  }
}
