import { ActivityFailure, ApplicationFailure, proxyActivities, setCurrentDetails } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { NON_RETRYABLE_ERROR_TYPES, StageReport } from '../common/contract';
import type { RedactionInput, RedactionResult } from '../common/redaction-contract';
import { computeAnalytics, exportCsv, pushToSheets, renderDashboard } from './output-steps';

/** The database steps: short; a busy WAL (a reader still on it) is retried until the reader is done. */
const { redactCustomerData, purgeErasedData } = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  retry: {
    initialInterval: '2s',
    maximumInterval: '1 minute',
    maximumAttempts: 30,
    nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
  },
});

/**
 * Erases a customer's personal data (an erasure request, or later Shopify's customers/redact webhook): from the
 * database, then from every output, rewritten from the redacted database. Nothing personal is in its input or result.
 */
export async function redactCustomer(input: RedactionInput): Promise<RedactionResult> {
  setCurrentDetails('Erasing the personal data from the database');
  const counts = await redactCustomerData.executeWithOptions({ summary: 'erase personal data' }, [input]);
  const purge = await purgeErasedData.executeWithOptions({ summary: 'vacuum database, empty WAL' }, []);
  const stages: StageReport[] = [];
  const stage = async (run: () => Promise<StageReport>) => {
    stages.push(await run());
    setCurrentDetails(`Rewriting the outputs: ${stages.map((s) => `${s.name} ${s.status}`).join(', ')}`);
  };
  await stage(() => exportCsv.executeWithOptions({ summary: 'export CSVs' }, []));
  await stage(() => computeAnalytics.executeWithOptions({ summary: 'compute analytics' }, []));
  await stage(() => renderDashboard.executeWithOptions({ summary: 'render dashboard' }, []));
  try {
    await stage(() =>
      pushToSheets.executeWithOptions({ summary: 'push to Google Sheets' }, [{ requested: input.sheets !== false }]),
    );
  } catch (error) {
    const cause = error instanceof ActivityFailure && error.cause ? error.cause.message : String(error);
    throw ApplicationFailure.nonRetryable(
      `Google Sheets push failed: ${cause}. The database and the local outputs are erased; the Sheet still holds ` +
        `the customer's data until a push succeeds (run the redaction again, or a sync).`,
      'SheetsPushFailed',
    );
  }
  setCurrentDetails(
    counts.found
      ? `Erased: ${counts.customers} customers, ${counts.orders} orders; outputs rewritten`
      : 'Nothing stored matched the request; outputs rewritten',
  );
  return { ...counts, purge, stages };
}
