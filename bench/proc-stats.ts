/** Resource use of another process, read from Linux's /proc (the worker cannot be edited to report it itself). */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

let ticks: number | undefined;

/** Kernel clock ticks per second (utime and stime are counted in them); 100 on nearly every Linux. */
function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/** User + system CPU seconds the process has used so far, all its threads included. */
export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: count fields from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks();
}

/** CPU seconds the whole machine has been busy (all cores; /proc/stat minus idle and iowait). */
export function machineCpuSeconds(): number {
  const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = fields;
  return (user + nice + system + irq + softirq + (steal ?? 0)) / clockTicks();
}

/** Current and peak resident set size in MB (VmRSS, VmHWM). */
export function memoryMb(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** Resets VmHWM to the current RSS (Linux ≥ 4.0), so the peak covers only what follows; false if not allowed. */
export function resetPeakRss(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * Polls VmRSS: a fallback peak where clear_refs is not allowed, a check on VmHWM otherwise, and the peak up to a
 * point in time (the worker's peak while it stored Shopify's records, before the output stages began).
 */
export class RssSampler {
  private peak = 0;
  private readonly samples: Array<{ at: number; rss: number }> = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    intervalMs = 100,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  private sample(): void {
    try {
      const rss = memoryMb(this.pid).rss;
      this.peak = Math.max(this.peak, rss);
      this.samples.push({ at: performance.now(), rss });
    } catch {
      // The process has exited; the last sample stands.
    }
  }

  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }

  /** The highest sample taken at or before `at` (performance.now() milliseconds). */
  peakUntil(at: number): number {
    let peak = 0;
    for (const s of this.samples) if (s.at <= at) peak = Math.max(peak, s.rss);
    return peak;
  }
}
