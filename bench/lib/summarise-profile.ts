import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

/** Time (ms) and share of the profile spent in one function, file or package. */
export interface ProfileEntry {
  readonly name: string;
  readonly ms: number;
  readonly percent: number;
}

/** Self time by function and by file/package, and total (inclusive) time by file/package. */
export interface ProfileSummary {
  readonly totalMs: number;
  readonly idleMs: number;
  readonly selfByFunction: ProfileEntry[];
  readonly selfByFile: ProfileEntry[];
  readonly totalByFile: ProfileEntry[];
  /** Inclusive time of snsgate's own functions (dist/), to attribute library time to a pipeline stage. */
  readonly totalByOwnFunction: ProfileEntry[];
}

/** A short name for a script: `src/...` for ours, `pkg` (first path part after node_modules) for dependencies. */
function fileOf(url: string, root: string): string {
  if (url === '') return '(native)';
  const path = url.startsWith('file://') ? new URL(url).pathname : url;
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = path.slice(nm + 'node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') === true ? `${parts[0]}/${parts[1] ?? ''}` : (parts[0] ?? path);
  }
  if (path.startsWith('node:')) return path;
  return path.startsWith('/') ? relative(root, path) : path;
}

function top(map: Map<string, number>, totalMs: number, limit: number): ProfileEntry[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, us]) => ({ name, ms: Math.round(us / 100) / 10, percent: Math.round((us / 1000 / totalMs) * 1000) / 10 }));
}

/** Reads a `.cpuprofile` (node --cpu-prof) and sums time per function and per file. */
export function summariseProfile(path: string, root: string, limit = 30): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfTime = new Map<number, number>();
  profile.samples.forEach((id, i) => selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const selfByFunction = new Map<string, number>();
  const selfByFile = new Map<string, number>();
  const totalByFile = new Map<string, number>();
  const totalByOwnFunction = new Map<string, number>();
  let idle = 0;
  let total = 0;
  for (const [id, us] of selfTime) {
    const node = byId.get(id);
    if (node === undefined) continue;
    total += us;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') idle += us;
    const file = fileOf(url, root);
    const fn = `${functionName || '(anonymous)'} ${file}${url === '' ? '' : `:${lineNumber + 1}`}`;
    selfByFunction.set(fn, (selfByFunction.get(fn) ?? 0) + us);
    selfByFile.set(file, (selfByFile.get(file) ?? 0) + us);
    // Inclusive: each file, and each of our functions, once per sample's stack.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame === undefined || frame.url === '') continue;
      const f = fileOf(frame.url, root);
      const own = f.startsWith('dist/') ? `${frame.functionName || '(anonymous)'} ${f}:${frame.lineNumber + 1}` : undefined;
      if (!seen.has(f)) {
        seen.add(f);
        totalByFile.set(f, (totalByFile.get(f) ?? 0) + us);
      }
      if (own !== undefined && !seen.has(own)) {
        seen.add(own);
        totalByOwnFunction.set(own, (totalByOwnFunction.get(own) ?? 0) + us);
      }
    }
  }
  const totalMs = total / 1000;
  return {
    totalMs: Math.round(totalMs),
    idleMs: Math.round(idle / 1000),
    selfByFunction: top(selfByFunction, totalMs, limit),
    selfByFile: top(selfByFile, totalMs, limit),
    totalByFile: top(totalByFile, totalMs, limit),
    totalByOwnFunction: top(totalByOwnFunction, totalMs, limit),
  };
}
