/**
 * The Google Sheets emulator in a process of its own, with one spreadsheet and a fresh service account whose key
 * it writes to `--credentials`. Prints {"url", "spreadsheet"} as one JSON line once it listens.
 *   npx tsx bench/sheets-launcher.ts --credentials /tmp/x/key.json
 */
import { parseArgs } from 'node:util';
import { startSheets } from '../test/helpers/sheets-fixture';

const ACCOUNT = 'bench@bench.iam.gserviceaccount.com';
const SPREADSHEET = 'bench-sheet';

const { values } = parseArgs({ options: { credentials: { type: 'string' } } });

async function main(): Promise<void> {
  const sheets = await startSheets({ credentials: values.credentials!, account: ACCOUNT, spreadsheetId: SPREADSHEET });
  console.log(JSON.stringify({ url: sheets.url, spreadsheet: SPREADSHEET }));
  const stop = () => void sheets.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
