import { RESOURCE_NAMES, SyncProgress, SyncResult } from '../common/contract';

/** Prints a line whenever the run's progress changes, and the summary at the end. */
export class ProgressReporter {
  private last = '';
  private readonly startedAt = Date.now();

  constructor(private readonly out: NodeJS.WriteStream) {}

  update(progress: SyncProgress): void {
    const parts = RESOURCE_NAMES.map((name) => {
      const r = progress.resources[name];
      const of = r.expected !== null ? `/${r.expected}` : '';
      return `${name} ${r.records}${of}${r.done ? ' ✓' : ''}`;
    });
    const line = `[${progress.stage}] ${parts.join(' · ')}`;
    if (line !== this.last) {
      this.out.write(`${line}\n`);
      this.last = line;
    }
  }

  finish(result: SyncResult): void {
    const seconds = ((Date.now() - this.startedAt) / 1000).toFixed(1);
    this.out.write(`\nSync finished (${result.mode}) in ${seconds} s\n`);
    const rows = RESOURCE_NAMES.map((name) => {
      const r = result.resources[name];
      return `  ${name.padEnd(10)} ${String(r.records).padStart(9)} records ${String(r.childRecords).padStart(9)} child rows ${String(r.pages).padStart(6)} pages`;
    });
    this.out.write(`${rows.join('\n')}\n`);
    for (const stage of result.stages) this.out.write(`  ${stage.name}: ${stage.status} — ${stage.detail}\n`);
  }
}
