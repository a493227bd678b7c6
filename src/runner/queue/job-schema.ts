import { z } from 'zod';

/** A queued job holds ids and a schema version only: no flow, question or secret goes into Redis. */
export const runJobSchema = z.object({
  v: z.literal(1),
  runId: z.string().min(1).max(100),
});

export type RunJobData = z.infer<typeof runJobSchema>;

/** What a finished job returns to BullMQ; the answer itself lives in the database. */
export interface RunJobResult {
  runId: string;
  status: string;
}

export const RUN_JOB_NAME = 'run';
