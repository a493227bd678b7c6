import { type Job, type Processor, Worker, type WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';

/**
 * BullMQ's Worker, minus two Redis round trips per job when jobs trickle in.
 *
 * Taking a job (moveToActive) also sets the queue's marker, the key idle workers block on (BZPOPMIN),
 * so that another worker looks for more. After a job BullMQ's loop asks for the next one at once and,
 * the queue being empty, blocks on the marker; but the marker it set itself ends that block at once,
 * and one more moveToActive follows: three round trips that find nothing, for every job of a worker
 * that is otherwise idle. When this worker had no job before the one it took, its next fetch first
 * removes the marker and then asks for a job, both in one write (Redis runs them in that order): a job
 * that is waiting, or arrives in between, is taken by that fetch (which sets the marker again), and
 * one added later sets the marker itself, so no job waits unseen; if nothing is waiting the worker
 * blocks right away. While it has other jobs (under load) it behaves exactly as BullMQ's Worker.
 */
export class RunWorker<DataType, ResultType> extends Worker<DataType, ResultType> {
  private clearMarker = false;

  constructor(
    name: string,
    processor: Processor<DataType, ResultType>,
    options: WorkerOptions & { connection: Redis },
    /** The connection BullMQ was given: this ZREM must share its socket with BullMQ's fetch. */
    private readonly commands: Redis = options.connection,
  ) {
    super(name, processor, options);
  }

  protected override async moveToActive(token: string, name?: string): Promise<Job<DataType, ResultType>> {
    if (this.clearMarker) {
      this.clearMarker = false;
      // Only the base marker (member "0"); delayed jobs use their own member.
      this.commands.zrem(this.toKey('marker'), '0').catch(() => undefined);
    }
    const wasIdle = this.lockManager.getActiveJobCount() === 0;
    const job = await super.moveToActive(token, name);
    this.clearMarker = job !== undefined && wasIdle;
    return job;
  }
}
