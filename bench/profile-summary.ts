/**
 * Top self-time functions of V8 CPU profiles (`node --cpu-prof`, one .cpuprofile per thread), optionally only the
 * samples inside a time window (the measured sync, not the worker's start). Also runnable on its own:
 *   npx tsx bench/profile-summary.ts <dir-with-.cpuprofile-files> [top]
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ProfileSummary } from './figures';
import { sourceLine } from './source-lines';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface CpuProfile {
  nodes: Array<{ id: number; callFrame: CallFrame }>;
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Microseconds on the clock V8 stamps profiles with (CLOCK_MONOTONIC, like process.hrtime). */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

const NOT_CPU = new Set(['(idle)', '(root)']);

/** The package or project file a frame belongs to, or the V8 pseudo-frame's name. */
export function category(frame: CallFrame): string {
  const url = frame.url.replace(/^file:\/\//, '');
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return inModules[1];
  if (url.startsWith('node:')) return 'node: internals';
  const root = path.resolve(__dirname, '..') + path.sep;
  if (url.startsWith(root)) return url.slice(root.length);
  return url.includes('webpack') || url.startsWith('workflow') ? 'workflow bundle' : url;
}

function where(frame: CallFrame): string {
  const url = frame.url.replace(/^file:\/\//, '');
  const root = path.resolve(__dirname, '..') + path.sep;
  const short = url.startsWith(root) ? url.slice(root.length) : url.replace(/.*node_modules\//, '');
  if (!short) return '';
  const line = url.endsWith('.ts') ? sourceLine(url, frame.lineNumber, frame.columnNumber) : null;
  return `${short}:${line ?? frame.lineNumber + 1}`;
}

export function summarizeProfiles(
  dir: string,
  options: { fromMicros?: number; toMicros?: number; top?: number; what?: string } = {},
): ProfileSummary {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const self = new Map<string, { name: string; where: string; us: number }>();
  const byCategory = new Map<string, number>();
  let total = 0;
  for (const file of files) {
    const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
    const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
    let at = profile.startTime;
    for (let i = 0; i < profile.samples.length; i += 1) {
      at += profile.timeDeltas[i] ?? 0;
      const us = profile.timeDeltas[i + 1] ?? 0;
      if (options.fromMicros !== undefined && at < options.fromMicros) continue;
      if (options.toMicros !== undefined && at > options.toMicros) continue;
      const frame = frames.get(profile.samples[i]);
      if (!frame || NOT_CPU.has(frame.functionName)) continue;
      const key = `${frame.functionName}|${frame.url}|${frame.lineNumber}|${frame.columnNumber}`;
      const entry = self.get(key) ?? { name: frame.functionName || '(anonymous)', where: where(frame), us: 0 };
      entry.us += us;
      self.set(key, entry);
      const cat = category(frame);
      byCategory.set(cat, (byCategory.get(cat) ?? 0) + us);
      total += us;
    }
  }
  const pct = (us: number) => Math.round((1000 * us) / Math.max(1, total)) / 10;
  const ms = (us: number) => Math.round(us / 100) / 10;
  return {
    what: options.what ?? dir,
    sampledMs: ms(total),
    threads: files.length,
    top: [...self.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, options.top ?? 25)
      .map((e) => ({ name: e.name, where: e.where, selfMs: ms(e.us), percent: pct(e.us) })),
    byCategory: [...byCategory.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([cat, us]) => ({ category: cat, selfMs: ms(us), percent: pct(us) })),
    files,
  };
}

if (require.main === module) {
  const [dir, top] = process.argv.slice(2);
  if (!dir) {
    console.error('Usage: npx tsx bench/profile-summary.ts <dir-with-.cpuprofile-files> [top]');
    process.exit(2);
  }
  const summary = summarizeProfiles(dir, { top: Number(top) || 25 });
  console.log(`${summary.sampledMs} ms sampled in ${summary.threads} thread profiles`);
  console.table(summary.byCategory);
  console.table(summary.top);
}
