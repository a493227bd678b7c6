import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** Prometheus metrics of one process (server or worker), each on its own registry. */
export class Metrics {
  readonly registry = new Registry();
  readonly runDuration: Histogram<'status'>;
  readonly runLatency: Histogram<'status'>;
  readonly runFailures: Counter<'code'>;
  readonly runRetries: Counter;
  readonly activeStreams: Gauge;

  constructor(role: 'server' | 'worker') {
    this.registry.setDefaultLabels({ role });
    // The event-loop lag monitor samples with a timer; prom-client's default (every 10 ms) wakes an
    // idle process 100 times a second, which measurably costs CPU per prediction at low load. Ten
    // samples a second still show any lag (each sample measures how late its timer fired).
    collectDefaultMetrics({ register: this.registry, prefix: 'aimicromind_', eventLoopMonitoringPrecision: 100 });
    this.runDuration = new Histogram({
      name: 'aimicromind_run_duration_seconds',
      help: 'Time a run attempt spent executing, by final status',
      labelNames: ['status'],
      buckets: LATENCY_BUCKETS,
      registers: [this.registry],
    });
    this.runLatency = new Histogram({
      name: 'aimicromind_run_latency_seconds',
      help: 'Time from the prediction request to the end of its run (queue wait included), by final status',
      labelNames: ['status'],
      buckets: LATENCY_BUCKETS,
      registers: [this.registry],
    });
    this.runFailures = new Counter({
      name: 'aimicromind_run_failures_total',
      help: 'Runs that ended failed, by error code',
      labelNames: ['code'],
      registers: [this.registry],
    });
    this.runRetries = new Counter({
      name: 'aimicromind_run_retries_total',
      help: 'Run attempts after the first (a worker died or stalled and another took over)',
      registers: [this.registry],
    });
    this.activeStreams = new Gauge({
      name: 'aimicromind_active_streams',
      help: 'SSE responses currently open',
      registers: [this.registry],
    });
  }

  /** Queue depth by job state, read from the queue at scrape time. */
  trackQueueDepth(read: () => Promise<Record<string, number>>): void {
    new Gauge({
      name: 'aimicromind_queue_jobs',
      help: 'Jobs in the queue by state',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        try {
          for (const [state, count] of Object.entries(await read())) this.set({ state }, count);
        } catch {
          // Redis unreachable: leave the last values; /readyz reports the outage.
        }
      },
    });
  }
}
