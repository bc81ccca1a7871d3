import { proxyActivities } from '@temporalio/workflow';
import type { ConnectionCheckActivities } from '../activities/connection-check-activities';
import type { ConnectionReport } from '../common/connection-report';
import { NON_RETRYABLE_ERROR_TYPES } from '../common/contract';

const { checkShopifyConnection } = proxyActivities<ConnectionCheckActivities>({
  startToCloseTimeout: '1 minute',
  // A person is waiting at the terminal: a few quick attempts, then the message.
  retry: { initialInterval: '1s', maximumAttempts: 3, nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES },
});

/** `npm run sync -- --check`: one activity on the worker, which holds the credentials; the report has none. */
export async function shopifyConnectionCheck(): Promise<ConnectionReport> {
  return checkShopifyConnection();
}
