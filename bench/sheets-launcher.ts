/**
 * The Google Sheets emulator in a process of its own, with one spreadsheet and a fresh service account whose key
 * it writes to `--credentials`. Prints {"url", "spreadsheet"} as one JSON line once it listens.
 *   npx tsx bench/sheets-launcher.ts --credentials /tmp/x/key.json
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { createSheetsEmulator, generateServiceAccountKeys } from '../test/sheets-emulator';

const ACCOUNT = 'bench@bench.iam.gserviceaccount.com';
const SPREADSHEET = 'bench-sheet';

const { values } = parseArgs({ options: { credentials: { type: 'string' } } });

async function main(): Promise<void> {
  const keys = generateServiceAccountKeys();
  fs.writeFileSync(
    values.credentials!,
    JSON.stringify({ type: 'service_account', client_email: ACCOUNT, private_key: keys.privateKey }),
    { mode: 0o600 },
  );
  const emulator = createSheetsEmulator({
    serviceAccounts: { [ACCOUNT]: keys.publicKey },
    spreadsheets: [{ id: SPREADSHEET, editors: [ACCOUNT] }],
  });
  const url = await emulator.listen(0);
  console.log(JSON.stringify({ url, spreadsheet: SPREADSHEET }));
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
