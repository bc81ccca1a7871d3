import type { ResourceName } from '../types';
import type { BulkFault, BulkOperationInfo, BulkOptions } from './bulk';
import type { CompetingClient, CostLimit } from './throttle';

export type { BulkFault, BulkOperationInfo, BulkOptions } from './bulk';
export type { CompetingClient, CostLimit } from './throttle';

export interface GraphqlStoreOptions {
  /**
   * The cost bucket per token: Standard plan (2,000 points, 100/s) by default; false = never THROTTLED (also the
   * default when the store's `rateLimit` is false).
   */
  costLimit?: CostLimit | false;
  /** Scopes granted to the app (default read_products, read_customers, read_orders). */
  accessScopes?: string[];
  bulk?: BulkOptions;
  /** Bulk result downloads served at this many bytes per second (default: as fast as the socket takes them). */
  resultBytesPerSecond?: number;
}

/** What tests can see and steer of the GraphQL side. */
export interface GraphqlControls {
  /** Bulk operations started per resource (tests assert "exactly one operation per resource"). */
  bulkOperationsStarted(): Record<ResourceName, number>;
  resetBulkCounts(): void;
  bulkOperations(): BulkOperationInfo[];
  /** Failures for the next bulk operations (replaces earlier ones). */
  setBulkFaults(faults: BulkFault[]): void;
  /** Cancels an operation as someone else (another app session, the merchant) would. */
  cancelBulkOperation(id: string): void;
  /** Expires every result URL handed out so far, as 7 days would. */
  expireBulkResults(): void;
  /** Replaces the granted scopes (e.g. to provoke ACCESS_DENIED). */
  setAccessScopes(scopes: string[]): void;
  /**
   * Another client of the same app (same token, same cost bucket) spending points: a burst and/or a steady rate for a
   * while, so the sync's queries meet an emptier bucket than they expect. Resolves with the points it spent.
   */
  competingClient(client: CompetingClient): Promise<number>;
}
