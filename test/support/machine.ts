import { createHash } from 'node:crypto';

/**
 * How much slower this machine is, right now, than the one the suite's few remaining time margins were
 * tuned on (an idle 2-core AMD EPYC). Tests wait for events wherever they can; what is left are
 * settings that must outlast some work (a lock a busy worker must renew, a grace period a client must
 * come back within, a prediction timeout ordinary runs must stay under). Those are multiplied by this
 * factor, so a slow or loaded CI machine gets proportionally longer margins.
 *
 * Measured once per test file: the median wall time of five runs of a fixed CPU workload (JSON and
 * hashing, like a request's work), each long enough to span scheduler slices, so it sees a slower CPU
 * as well as competition for the cores, and one spike does not decide. Between 1 and 5 (beyond that
 * the margins would cost more test time than they buy); `AIM_TEST_TIME_SCALE` overrides it (e.g. `3`).
 */
const REFERENCE_MS = 25;
const SAMPLES = 5;
const UNIT_ITERATIONS = 2000;
const UNITS_PER_SAMPLE = 2;
const MAX_SCALE = 5;

const sample = {
  question: 'x'.repeat(200),
  history: Array.from({ length: 20 }, (_, i) => ({ role: 'userMessage', content: `message ${i} `.repeat(10) })),
};

function workloadMs(units: number): number {
  const started = performance.now();
  for (let unit = 0; unit < units; unit += 1) {
    const hash = createHash('sha256');
    for (let i = 0; i < UNIT_ITERATIONS; i += 1) hash.update((JSON.parse(JSON.stringify(sample)) as typeof sample).question);
    hash.digest('hex');
  }
  return performance.now() - started;
}

let measured: number | undefined;

/** The slowdown factor (1 to 5) for this test file. */
export function timeScale(): number {
  if (measured !== undefined) return measured;
  const override = Number(process.env.AIM_TEST_TIME_SCALE);
  if (Number.isFinite(override) && override > 0) {
    measured = Math.max(1, override);
    return measured;
  }
  workloadMs(1); // warm up the JIT; the first run measures the compiler, not the machine
  const times = Array.from({ length: SAMPLES }, () => workloadMs(UNITS_PER_SAMPLE)).sort((a, b) => a - b);
  measured = Math.min(MAX_SCALE, Math.max(1, times[Math.floor(SAMPLES / 2)]! / REFERENCE_MS));
  return measured;
}

/** `ms` stretched by the machine's slowdown, rounded to whole milliseconds. */
export function scaled(ms: number): number {
  return Math.round(ms * timeScale());
}
