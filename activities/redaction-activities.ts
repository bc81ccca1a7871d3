import path from 'node:path';
import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { AppConfig } from '../common/config';
import type { PurgeReport, RedactionCounts, RedactionInput } from '../common/redaction-contract';
import { DATABASE_FILE, Db } from './store/database';
import { purgeFreedPages, redactCustomer, WalBusyError } from './store/redaction';

export interface RedactionDeps {
  app: AppConfig;
  db: () => Db;
}

/** The erasure's database steps; the redaction workflow runs the output activities after them. */
export function createRedactionActivities(deps: RedactionDeps) {
  return {
    async redactCustomerData(input: RedactionInput): Promise<RedactionCounts> {
      if (input.customerId === undefined && !input.emailSha256) {
        throw ApplicationFailure.nonRetryable('A redaction needs a customer id or an email.', 'ConfigError');
      }
      const counts = redactCustomer(deps.db(), input);
      // Counts and ids only: the log must not become another copy of the data.
      log.info(
        counts.found
          ? `Erased the personal data of customers ${counts.customerIds.join(', ')}: ${counts.customers} customer ` +
              `rows, ${counts.orders} orders (${counts.guestOrders} guest orders)`
          : 'Nothing stored matches the redaction request; nothing was changed',
        { ...counts },
      );
      return counts;
    },

    async purgeErasedData(): Promise<PurgeReport> {
      try {
        deps.db(); // opened (and migrated) before the vacuum's own connection
        const report = await purgeFreedPages(path.join(deps.app.dataDir, DATABASE_FILE));
        log.info('Database vacuumed and WAL emptied after the erasure', { ...report });
        return report;
      } catch (error) {
        if (error instanceof WalBusyError) throw ApplicationFailure.retryable(error.message, 'WalBusy');
        throw error;
      }
    },
  };
}
