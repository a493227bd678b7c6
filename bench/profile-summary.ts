/** The parts of a V8 `.cpuprofile` (Chrome DevTools' Profile type) this summary reads. */
export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; parent?: number; children?: number[] }>;
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * Where a function's code lives, coarse enough to act on: a package under node_modules, a folder of the
 * product (`src/runner/queue`), Node's own JavaScript (`node:net`, `node:internal/streams`), or V8's
 * pseudo-frames (GC, idle, program: native code not attributed to a JavaScript function).
 */
export function packageOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : `(native) ${functionName}`;
  const modules = url.lastIndexOf('/node_modules/');
  if (modules !== -1) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const src = /\/dist\/((?:src|bench)\/(?:[^/]+\/)?)/.exec(url);
  if (src) return src[1]!.replace(/\/$/, '');
  return url;
}

/**
 * Self time of the samples taken between `fromUs` and `toUs` (V8's monotonic µs), by package and by
 * function, as µs per `unit` (`perUnit` units ran in the window) and as a share of the window's samples.
 * Each sample is charged the interval that follows it (V8's timeDeltas give the interval before).
 */
export function summariseProfile(
  profile: CpuProfile,
  options: { fromUs: number; toUs: number; perUnit: number; unit: string; top: number },
): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let at = profile.startTime;
  let busy = 0;
  let all = 0;
  for (let i = 0; i < profile.samples.length; i += 1) {
    at += profile.timeDeltas[i]!;
    if (at < options.fromUs || at > options.toUs) continue;
    const interval = profile.timeDeltas[i + 1] ?? 0;
    const { functionName, url, lineNumber } = byId.get(profile.samples[i]!)!.callFrame;
    all += interval;
    if (functionName === '(idle)') continue;
    busy += interval;
    const pkg = packageOf(url, functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + interval);
    const fn = `${functionName || '(anonymous)'} ${url ? `${url.replace(/^.*\/(node_modules|dist)\//, '')}:${lineNumber + 1}` : ''}`.trim();
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + interval);
  }
  const per = (us: number) => (us / Math.max(1, options.perUnit)).toFixed(1);
  const share = (us: number) => `${((us / Math.max(1, busy)) * 100).toFixed(1)}%`;
  const table = (title: string, rows: Map<string, number>) =>
    [`| ${title} | µs / ${options.unit} | share of busy |`, '|---|---|---|']
      .concat([...rows].sort((a, b) => b[1] - a[1]).slice(0, options.top).map(([k, v]) => `| ${k} | ${per(v)} | ${share(v)} |`))
      .join('\n');
  return [
    `Sampled ${(all / 1000).toFixed(0)} ms, busy ${(busy / 1000).toFixed(0)} ms: ${per(busy)} µs / ${options.unit} (samples exclude time the profiler itself misses, such as syscalls outside JavaScript, which shows as (program)).`,
    '',
    table('package', byPackage),
    '',
    table('function (self time)', byFunction),
  ].join('\n');
}
