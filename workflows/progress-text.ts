import { RESOURCE_NAMES, SyncState } from '../common/contract';
import { howRead } from '../common/progress-words';

/** One short paragraph for the Web UI's "current details" and the CLI's plain progress lines. */
export function describeProgress(state: SyncState): string {
  const lines = [`**${state.mode} sync** — stage: ${state.stage}`];
  // A run recorded before a resource was added has no progress for it.
  for (const name of RESOURCE_NAMES.filter((n) => state.resources[n])) {
    const r = state.resources[name];
    if (r.unchanged) {
      lines.push(`- ${name}: ${howRead(r)}`);
      continue;
    }
    const of = r.expected !== null ? ` of ${r.expected}` : '';
    const status = r.done ? 'done' : r.pages > 0 || r.bulkOperationId ? 'syncing' : 'waiting';
    lines.push(`- ${name}: ${r.records}${of} records, ${howRead(r)} (${status})`);
  }
  if (state.deletions) lines.push(`- deletions: ${state.deletions.detail}`);
  if (state.reconciliation) {
    lines.push(`- reconciliation: ${state.reconciliation.detail}`);
    for (const table of state.reconciliation.tables) lines.push(`  - ${table.message}`);
  }
  for (const stage of state.stages) lines.push(`- ${stage.name}: ${stage.status} (${stage.detail})`);
  return lines.join('\n');
}
