import { type Job, type JobJson, type Processor, Worker, type WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';

/** Fetches sent together at most, when jobs arrive faster than one per round trip. */
const MAX_BURST = 32;

/**
 * BullMQ's Worker, with fewer Redis round trips per job at both ends of the load.
 *
 * Trickle (an otherwise idle worker): taking a job (moveToActive) also sets the queue's marker, the key
 * idle workers block on (BZPOPMIN), so that another worker looks for more. After a job BullMQ's loop
 * asks for the next one at once and, the queue being empty, blocks on the marker; but the marker it set
 * itself ends that block at once, and one more moveToActive follows: three round trips that find
 * nothing, for every job. Here, when the worker had no job before the one it took, its next fetch first
 * removes the marker and then asks for a job, both in one write (Redis runs them in that order): a job
 * that is waiting, or arrives in between, is taken by that fetch (which sets the marker again), and one
 * added later sets the marker itself, so no job waits unseen; if nothing is waiting the worker blocks
 * at once.
 *
 * Flood (jobs arriving faster than the worker takes them, one per round trip, each round trip waiting
 * for a busy event loop): while every fetch finds a job, the next fetch is sent with up to twice as
 * many more in the same write, and the jobs they take are handed to the loop's next fetches. Bursts
 * stay within the worker's free concurrency, so a job taken ahead starts at once; the ones a closing
 * worker still holds go back to the queue.
 */
export class RunWorker<DataType, ResultType> extends Worker<DataType, ResultType> {
  private clearMarker = false;
  private burst = 0;
  private readonly taken: Array<Job<DataType, ResultType>> = [];

  constructor(
    name: string,
    processor: Processor<DataType, ResultType>,
    options: WorkerOptions & { connection: Redis },
    /** The connection BullMQ was given: the marker's removal must share its socket with BullMQ's fetch. */
    private readonly commands: Redis = options.connection,
  ) {
    super(name, processor, options);
  }

  protected override async moveToActive(token: string, name?: string): Promise<Job<DataType, ResultType>> {
    const ready = this.taken.shift();
    if (ready) return ready;
    if (this.clearMarker) {
      this.clearMarker = false;
      // Only the base marker (member "0"); delayed jobs use their own member.
      this.commands.zrem(this.toKey('marker'), '0').catch(() => undefined);
    }
    const active = this.lockManager.getActiveJobCount();
    const extra = Math.min(this.burst, Math.max(0, this.concurrency - active - 1));
    // All sent in this turn, so in one write; the extra fetches take jobs only (one that finds none
    // must not mark the worker drained while it still holds jobs for the loop).
    const fetches: Array<Promise<Job<DataType, ResultType> | undefined>> = [super.moveToActive(token, name)];
    for (let i = 0; i < extra; i += 1) fetches.push(this.takeAhead(`${token}:${i}`, name));
    const jobs = (await Promise.all(fetches)).filter((job): job is Job<DataType, ResultType> => job !== undefined);
    this.clearMarker = active === 0 && extra === 0 && jobs.length > 0;
    this.burst = active > 0 && jobs.length === fetches.length ? Math.min(MAX_BURST, Math.max(1, extra * 2)) : 0;
    const [first, ...more] = jobs;
    if (this.closing) await this.handBack(more);
    else this.taken.push(...more);
    return first as Job<DataType, ResultType>;
  }

  /**
   * Where BullMQ turns a fetch's reply into a job, for every fetch (a finished job's fetch of the next
   * one too). When Redis had none, a job taken ahead is handed out instead: the worker is not marked
   * drained (which would make its loop block on the marker) while it still holds jobs.
   */
  protected override async nextJobFromJobData(jobData?: JobJson, jobId?: string, token?: string): Promise<Job<DataType, ResultType>> {
    if (!jobData && this.taken.length > 0) return this.taken.shift()!;
    return super.nextJobFromJobData(jobData, jobId, token);
  }

  private async takeAhead(token: string, name?: string): Promise<Job<DataType, ResultType> | undefined> {
    const [jobData, id] = (await this.backend.moveToActive(token, name)) as [JobJson | undefined, string | undefined];
    return jobData ? this.nextJobFromJobData(jobData, id, token) : undefined;
  }

  override async close(force = false): Promise<void> {
    const closing = super.close(force);
    await this.handBack(this.taken.splice(0));
    return closing;
  }

  /** Jobs taken ahead but not started go back to the queue for any worker. */
  private async handBack(jobs: Array<Job<DataType, ResultType>>): Promise<void> {
    await Promise.all(jobs.map((job) => job.moveToWait(job.token).catch(() => undefined)));
  }
}
