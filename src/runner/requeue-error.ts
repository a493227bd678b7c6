/**
 * The abort reason a stopping worker gives its unfinished runs at the shutdown deadline: the run is
 * not ended but handed back to the queue, and another worker resumes it (as a new attempt).
 */
export class RunRequeuedError extends Error {
  constructor() {
    super('The worker is shutting down; the run goes back to the queue');
    this.name = 'RunRequeuedError';
  }
}
