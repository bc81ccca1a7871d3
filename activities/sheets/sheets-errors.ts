import { ApplicationFailure } from '@temporalio/common';
import { redact } from '../../common/redact';

interface ApiError {
  status?: number;
  code?: number | string;
  message?: string;
  response?: { status?: number; data?: { error?: { message?: string } } };
}

/** The Sheets API's own message, and whether retrying can help (429 and 5xx can; 400, 403, 404 cannot). */
export function sheetsFailure(
  error: unknown,
  context: { spreadsheetId: string; serviceAccount: string },
): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  const e = error as ApiError;
  const status = e.response?.status ?? (typeof e.code === 'number' ? e.code : undefined) ?? e.status;
  const said = redact(e.response?.data?.error?.message ?? e.message ?? String(error));
  if (status === 403) {
    return ApplicationFailure.nonRetryable(
      `Google Sheets refused access to spreadsheet ${context.spreadsheetId} (403: ${said}). Share the sheet with ` +
        `${context.serviceAccount} as an editor.`,
      'SheetsPermissionDenied',
    );
  }
  if (status === 404) {
    return ApplicationFailure.nonRetryable(
      `Google Sheets has no spreadsheet ${context.spreadsheetId} (404: ${said}). Check GOOGLE_SHEET_ID (the id in the sheet's URL).`,
      'SheetsNotFound',
    );
  }
  if (status === 401) {
    return ApplicationFailure.nonRetryable(
      `Google Sheets rejected the service account's credentials (401: ${said}). Check the JSON key of ${context.serviceAccount}.`,
      'SheetsPermissionDenied',
    );
  }
  if (status !== undefined && status >= 400 && status < 500 && status !== 429) {
    return ApplicationFailure.nonRetryable(`Google Sheets rejected the push (${status}: ${said}).`, 'SheetsRejected');
  }
  return ApplicationFailure.retryable(
    `Google Sheets is unavailable or over quota (${status ?? 'network'}: ${said}); will retry.`,
    'SheetsUnavailable',
  );
}
