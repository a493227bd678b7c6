import { readFileSync } from 'node:fs';

/** Resident set size of a process (Linux: VmRSS of /proc/<pid>/status), in bytes. */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!kib) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kib[1]) * 1024;
}

/**
 * Samples the summed RSS of `pids` every few milliseconds while `work` runs; resolves with the highest
 * sum seen and the sum once `work` is done.
 */
export async function peakRss(pids: number[], work: () => Promise<void>): Promise<{ peak: number; after: number }> {
  const total = () => pids.reduce((sum, pid) => sum + rssOf(pid), 0);
  let peak = total();
  const sampler = setInterval(() => (peak = Math.max(peak, total())), 10);
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  const after = total();
  return { peak: Math.max(peak, after), after };
}
