import { type Job, type JobJson, type Processor, Worker, type WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';

/** Fetches sent together at most, when jobs arrive faster than one per round trip. */
const MAX_BURST = 32;

type Taken<D, R> = Job<D, R> | undefined;

/**
 * BullMQ's Worker, with fewer Redis round trips per job at both ends of the load. Jobs are fetched
 * with BullMQ's own moveToActive script and run by BullMQ's loop as before (locks, stalled checks,
 * retries, completion unchanged); only when and how many fetches go out differs.
 *
 * Trickle (a worker with no job wakes for one): taking a job (moveToActive) also sets the queue's
 * marker, the key idle workers block on (BZPOPMIN), so that some worker looks for more. BullMQ's loop
 * then fetches again, finds nothing, blocks on the marker, which its own job set, wakes at once and
 * fetches once more: three round trips that find nothing, per job. Here the wake-up's fetch goes out
 * with the marker's removal and a second fetch, in one write (Redis runs them in that order): a job
 * waiting behind the first, or added in between, is taken by the second fetch (which sets the marker
 * again), and one added later sets the marker itself, so no job waits unseen; when the second finds
 * nothing the worker blocks at once.
 *
 * Flood (jobs arriving faster than one per round trip, each round trip waiting for a busy event loop):
 * while every fetch finds a job, the next fetch goes out with up to twice as many more in one write,
 * and the jobs taken ahead are handed to the loop's next fetches (a finished job's fetch of the next
 * one included), so the worker never blocks while it holds jobs. Bursts stay within the free
 * concurrency, so a job taken ahead starts at once; a closing worker hands unstarted ones back.
 */
export class RunWorker<DataType, ResultType> extends Worker<DataType, ResultType> {
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
    const active = this.lockManager.getActiveJobCount();
    if (active === 0 && this.concurrency > 1) return this.wake(token, name);
    const extra = Math.min(this.burst, Math.max(0, this.concurrency - active - 1));
    // Sent in this turn, so in one write. The extra fetches only take jobs: one that finds none must not
    // mark the worker drained while it holds jobs for the loop.
    const fetches: Array<Promise<Taken<DataType, ResultType>>> = [super.moveToActive(token, name)];
    for (let i = 0; i < extra; i += 1) fetches.push(this.takeAhead(`${token}:${i}`, name));
    const jobs = (await Promise.all(fetches)).filter((job): job is Job<DataType, ResultType> => job !== undefined);
    this.burst = jobs.length === fetches.length ? Math.min(MAX_BURST, Math.max(1, extra * 2)) : 0;
    const [first, ...more] = jobs;
    await this.keep(more);
    return first as Job<DataType, ResultType>;
  }

  /** A worker with no job fetches: take one, remove the marker, look once more; one write. */
  private async wake(token: string, name?: string): Promise<Job<DataType, ResultType>> {
    this.burst = 0;
    const first = super.moveToActive(token, name);
    const second = new Promise<Taken<DataType, ResultType>>((resolve, reject) => {
      // The removal must precede the second fetch (else a job added between them could lose its
      // marker unseen), so both go from here, in that order. And it should follow the first fetch:
      // BullMQ sends that after awaiting resolved promises, and its loop calls this from a promise
      // continuation, so the first fetch is written when the microtask queue drains, before ticks run.
      process.nextTick(() => {
        // Only the base marker (member "0"); delayed jobs use their own member.
        this.commands.zrem(this.toKey('marker'), '0').catch(() => undefined);
        this.takeAhead(`${token}:w`, name).then(resolve, reject);
      });
    });
    const [job, next] = await Promise.all([first, second]);
    if (next) await this.keep([next]);
    // The queue was empty behind the job: the loop's next fetch is the blocking wait.
    else if (job) await super.nextJobFromJobData(undefined, undefined, token);
    return job;
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

  private async takeAhead(token: string, name?: string): Promise<Taken<DataType, ResultType>> {
    const [jobData, id] = (await this.backend.moveToActive(token, name)) as [JobJson | undefined, string | undefined];
    return jobData ? super.nextJobFromJobData(jobData, id, token) : undefined;
  }

  private async keep(jobs: Array<Job<DataType, ResultType>>): Promise<void> {
    if (this.closing) await this.handBack(jobs);
    else this.taken.push(...jobs);
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
