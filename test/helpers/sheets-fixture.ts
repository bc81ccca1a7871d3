import fs from 'node:fs';
import { createSheetsEmulator, generateServiceAccountKeys, type SheetsEmulator } from '../../emulators/google-sheets';

export interface SheetsFixture {
  emulator: SheetsEmulator;
  url: string;
  spreadsheetId: string;
  /** The service account's key file, as GOOGLE_APPLICATION_CREDENTIALS / GOOGLE_CREDENTIALS_FILE expects it. */
  credentials: string;
  close: () => Promise<void>;
}

/**
 * The Google Sheets emulator listening on a free port, with one spreadsheet that a fresh service account may edit,
 * and that account's key written to `credentials` (owner-only).
 */
export async function startSheets(options: {
  credentials: string;
  account: string;
  spreadsheetId: string;
}): Promise<SheetsFixture> {
  const keys = generateServiceAccountKeys();
  fs.writeFileSync(
    options.credentials,
    JSON.stringify({ type: 'service_account', client_email: options.account, private_key: keys.privateKey }),
    { mode: 0o600 },
  );
  const emulator = createSheetsEmulator({
    serviceAccounts: { [options.account]: keys.publicKey },
    spreadsheets: [{ id: options.spreadsheetId, editors: [options.account] }],
  });
  const url = await emulator.listen(0);
  return {
    emulator,
    url,
    spreadsheetId: options.spreadsheetId,
    credentials: options.credentials,
    close: () => emulator.close(),
  };
}
