import v8 from 'node:v8';

/**
 * Loaded (bench only) into the leak check's worker with `--expose-gc --import=<dist>/bench/gc-probe.js`.
 * On SIGUSR2 it runs a full GC, lets the FinalizationRegistry callbacks that GC queued run (undici
 * registers every request's AbortController; until its callback runs, a dead request still holds its
 * signal and abort listener), runs a second full GC, then prints
 * on stderr `gc-probe <n> {"rssMiB":…,"youngMiB":…,"heapUsedMiB":…,"externalMiB":…}`, n counting from 1.
 * `youngMiB` is the young generation's resident size: V8 keeps it committed after any GC, sized to the
 * load it last saw (up to 2 × --max-semi-space-size), so it is part of the RSS but not of what stays alive.
 *
 * Not a heap snapshot: writing one (`--heapsnapshot-signal`) allocates 100–200 MiB of native memory
 * (the snapshot's graph) that glibc keeps in the process's heap once freed, more after each snapshot;
 * the RSS it leaves says more about the snapshot than about the worker.
 */
let probes = 0;

process.on('SIGUSR2', () => {
  // Called without options: on Node 20 (V8 11.3), gc({ type: 'major', … }) returned with the garbage still counted.
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    process.stderr.write('gc-probe: start node with --expose-gc\n');
    return;
  }
  probes += 1;
  const n = probes;
  gc();
  // Finalization callbacks run as tasks after the GC that queued them; a timer runs after those.
  setTimeout(() => {
    gc();
    const memory = process.memoryUsage();
    const young = v8
      .getHeapSpaceStatistics()
      .filter((space) => space.space_name === 'new_space' || space.space_name === 'new_large_object_space')
      .reduce((sum, space) => sum + space.physical_space_size, 0);
    const mib = (bytes: number) => Math.round(bytes / 104857.6) / 10;
    const figures = { rssMiB: mib(memory.rss), youngMiB: mib(young), heapUsedMiB: mib(memory.heapUsed), externalMiB: mib(memory.external) };
    process.stderr.write(`gc-probe ${n} ${JSON.stringify(figures)}\n`);
  }, 100);
});
