import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { NON_RETRYABLE_ERROR_TYPES } from '../common/contract';

/** Local outputs: a failure here is a disk or data problem, retried a few times. */
export const { exportCsv, computeAnalytics, renderDashboard } = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  // A killed worker's step is retried after this, not after the 30 minutes.
  heartbeatTimeout: '30 seconds',
  retry: {
    initialInterval: '2s',
    maximumInterval: '30s',
    maximumAttempts: 5,
    nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
  },
});

/** Sheets: 429 and 5xx retried with backoff; heartbeats carry which worksheets are done. */
export const { pushToSheets } = proxyActivities<Activities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '30 seconds',
  retry: {
    initialInterval: '5s',
    maximumInterval: '1 minute',
    maximumAttempts: 8,
    nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
  },
});
