import { RESOURCE_NAMES, SyncState } from '../common/contract';

/** One short paragraph for the Web UI's "current details" and the CLI's plain progress lines. */
export function describeProgress(state: SyncState): string {
  const lines = [`**${state.mode} sync** — stage: ${state.stage}`];
  // A run recorded before a resource was added has no progress for it.
  for (const name of RESOURCE_NAMES.filter((n) => state.resources[n])) {
    const r = state.resources[name];
    if (r.unchanged) {
      lines.push(`- ${name}: nothing updated since the last sync (not read)`);
      continue;
    }
    const of = r.expected !== null ? ` of ${r.expected}` : '';
    if (r.method === 'bulk') {
      const status = r.done ? 'done' : r.bulkOperationId ? 'Shopify exporting' : 'waiting';
      lines.push(`- ${name}: ${r.records}${of} records, through a bulk operation (${status})`);
      continue;
    }
    const status = r.done ? 'done' : r.pages > 0 ? 'syncing' : 'waiting';
    lines.push(`- ${name}: ${r.records}${of} records, ${r.pages} ${r.pages === 1 ? 'page' : 'pages'} (${status})`);
  }
  if (state.deletions) lines.push(`- deletions: ${state.deletions.detail}`);
  if (state.reconciliation) {
    lines.push(`- reconciliation: ${state.reconciliation.detail}`);
    for (const table of state.reconciliation.tables) lines.push(`  - ${table.message}`);
  }
  for (const stage of state.stages) lines.push(`- ${stage.name}: ${stage.status} (${stage.detail})`);
  return lines.join('\n');
}
