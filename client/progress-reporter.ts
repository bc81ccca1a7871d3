import { howRead } from '../common/progress-words';
import { RESOURCE_NAMES, ResourceName, SyncResult, SyncState } from '../common/contract';

const BAR_WIDTH = 24;

function bar(done: number, total: number | null): string {
  if (total === null || total === 0) return '';
  const filled = Math.min(BAR_WIDTH, Math.round((done / total) * BAR_WIDTH));
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] `;
}

/** `12.3s` below a minute, else `4m05s` (whole seconds, rounded before splitting so 119.6 s is `2m00s`). */
export function seconds(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const total = Math.round(ms / 1000);
  return `${Math.floor(total / 60)}m${String(total % 60).padStart(2, '0')}s`;
}

/**
 * Shows a sync's progress: on a terminal a live bar per resource (records, pages, rate, ETA when Shopify's count is
 * known), redrawn in place; otherwise a plain line whenever something changed, at most every few seconds. Then the
 * summary table.
 */
export class ProgressReporter {
  private readonly startedAt = Date.now();
  private readonly firstSeen = new Map<ResourceName, { at: number; records: number }>();
  private drawnLines = 0;
  private lastLine = '';
  private lastPlainAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly live = Boolean(out.isTTY),
    private readonly plainEveryMs = 5_000,
  ) {}

  private rate(name: ResourceName, records: number): number | null {
    const first = this.firstSeen.get(name);
    if (!first) {
      this.firstSeen.set(name, { at: Date.now(), records });
      return null;
    }
    const elapsed = (Date.now() - first.at) / 1000;
    return elapsed > 0.5 ? (records - first.records) / elapsed : null;
  }

  private line(name: ResourceName, progress: SyncState): string {
    const r = progress.resources[name];
    const rate = r.done ? null : this.rate(name, r.records);
    const of = r.expected !== null ? `/${r.expected}` : '';
    const parts = [`${name.padEnd(9)} ${bar(r.records, r.expected)}${r.records}${of} records`, howRead(r)];
    if (rate !== null && rate > 0) {
      parts.push(`${Math.round(rate)}/s`);
      if (r.expected !== null && r.expected > r.records)
        parts.push(`ETA ${seconds(((r.expected - r.records) / rate) * 1000)}`);
    }
    if (r.done) parts.push('done');
    return parts.join(' · ');
  }

  /** `retry`: a step's latest failure and next attempt while Temporal retries it (shown until it succeeds). */
  update(progress: SyncState, retry: string | null = null): void {
    const lines = [
      `stage: ${progress.stage}`,
      ...RESOURCE_NAMES.filter((n) => progress.resources[n]).map((name) => `  ${this.line(name, progress)}`),
    ];
    for (const stage of progress.stages) lines.push(`  ${stage.name.padEnd(9)} ${stage.status} (${stage.detail})`);
    if (retry) lines.push(`  ${retry}`);
    if (this.live) {
      // Move up over the previous frame and redraw it; clear what is left below when the frame got shorter.
      if (this.drawnLines > 0) this.out.write(`\x1b[${this.drawnLines}F`);
      this.out.write(lines.map((l) => `\x1b[2K${l}\n`).join('') + '\x1b[J');
      this.drawnLines = lines.length;
      return;
    }
    const line = lines.map((l) => l.trim()).join(' | ');
    if (line === this.lastLine || Date.now() - this.lastPlainAt < this.plainEveryMs) return;
    this.out.write(`${line}\n`);
    this.lastLine = line;
    this.lastPlainAt = Date.now();
  }

  /** Ctrl-C: the message that follows starts on a fresh line below the live frame. */
  interrupted(): void {
    this.drawnLines = 0;
  }

  finish(result: SyncResult): void {
    const out = this.out;
    out.write(`\nSync finished (${result.mode}) in ${seconds(Date.now() - this.startedAt)}\n\n`);
    out.write(
      `  ${'resource'.padEnd(10)} ${'records'.padStart(9)} ${'child rows'.padStart(10)} ${'pages'.padStart(6)} ${'requests'.padStart(8)} ${'throttled'.padStart(9)}\n`,
    );
    for (const name of RESOURCE_NAMES.filter((n) => result.resources[n])) {
      const r = result.resources[name];
      // A bulk operation has no pages; its few requests (start, checks) are not counted.
      const pages = r.unchanged ? '-' : r.method === 'bulk' ? 'bulk' : String(r.pages);
      const requests = r.method === 'bulk' || r.unchanged ? '-' : String(r.requests);
      out.write(
        `  ${name.padEnd(10)} ${String(r.records).padStart(9)} ${String(r.childRecords).padStart(10)} ` +
          `${pages.padStart(6)} ${requests.padStart(8)} ${seconds(r.throttledMs).padStart(9)}\n`,
      );
    }
    const unchanged = RESOURCE_NAMES.filter((n) => result.resources[n]?.unchanged);
    if (unchanged.length > 0) out.write(`  (${unchanged.join(', ')}: nothing updated since the last sync, not read)\n`);
    if (result.continuedAsNew > 0) out.write(`  (continued as new ${result.continuedAsNew} times)\n`);
    out.write('\n');
    if (result.deletions) out.write(`  ${'deletions'.padEnd(10)} ${result.deletions.detail}\n`);
    if (result.reconciliation) {
      out.write(`  ${'reconcile'.padEnd(10)} ${result.reconciliation.detail}\n`);
      for (const table of result.reconciliation.tables) out.write(`             ${table.message}\n`);
    }
    for (const stage of result.stages) {
      const took = stage.durationMs !== undefined ? ` in ${seconds(stage.durationMs)}` : '';
      out.write(`  ${stage.name.padEnd(10)} ${stage.status}${took}: ${stage.detail}\n`);
      for (const file of stage.outputs ?? []) out.write(`             ${file}\n`);
    }
  }
}
