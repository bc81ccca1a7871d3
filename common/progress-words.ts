import type { ResourceProgress } from './contract';

/**
 * How a resource is being read, in the words both the Web UI's details (workflows/progress-text.ts) and the CLI's
 * progress bar (client/progress-reporter.ts) use.
 */
export function howRead(
  r: Pick<ResourceProgress, 'unchanged' | 'method' | 'done' | 'bulkOperationId' | 'pages'>,
): string {
  if (r.unchanged) return 'nothing updated since the last sync, not read';
  if (r.method === 'bulk') {
    if (r.done) return 'through a bulk operation';
    return r.bulkOperationId ? 'through a bulk operation, Shopify exporting' : 'through a bulk operation, starting';
  }
  return `${r.pages} ${r.pages === 1 ? 'page' : 'pages'}`;
}
