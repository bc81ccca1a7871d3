import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { PROJECT_ROOT } from '../test/helpers/processes';

export interface Environment {
  date: string;
  commit: string;
  /** Files changed against the commit, outside bench/ (others edit the project while it runs). */
  uncommittedChanges: string[];
  node: string;
  platform: string;
  cores: number;
  cpuModel: string;
  totalMemoryGb: number;
  /** 1-minute load average when the benchmark started (other programs slow the figures down). */
  loadAverage: number;
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: PROJECT_ROOT, encoding: 'utf8' });
  } catch {
    return '';
  }
}

export function environment(): Environment {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    commit: git(['rev-parse', '--short', 'HEAD']).trim() || 'unknown',
    uncommittedChanges: git(['status', '--porcelain'])
      .split('\n')
      // Porcelain lines are "XY path": two status columns and a space, the first of which may be a space.
      .filter((line) => line.length > 3 && !line.slice(3).startsWith('bench/'))
      .map((line) => line.slice(3)),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cores: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    totalMemoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    loadAverage: Math.round(os.loadavg()[0] * 100) / 100,
  };
}

export function machine(env: Environment): string {
  return `${env.cores} cores × ${env.cpuModel}, ${env.totalMemoryGb} GB RAM, ${env.platform}, Node ${env.node}`;
}
