import fs from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { CSV_EXPORTS } from '../../activities/exports/csv-export';
import { sheetTitle } from '../../activities/sheets/tables';
import type { ApiRecord } from '../../activities/store/resources';
import { emailSha256 } from '../../common/email-hash';
import { redactWorkflowId } from '../../common/redaction-contract';
import { runRedaction } from '../../client/redact';
import { createSyncWorker } from '../../worker/create-worker';
import { createShopifyStore, ShopifyStore } from '../../emulators/shopify';
import { createSheetsEmulator, generateServiceAccountKeys } from '../../emulators/google-sheets';
import type { SheetsEmulator } from '../../emulators/google-sheets';
import { analyticsFromApiRecords } from '../helpers/independent-analytics';
import { openReadOnly, runSyncInProcess, testConfig } from '../helpers/sync-harness';
import { startTemporal, workflowBundle } from '../helpers/temporal';
import { tempDir } from '../helpers/tmp';

const SHEET_ID = 'sheet-erasure';
const ACCOUNT = 'sync@erasure-project.iam.gserviceaccount.com';

/** Every file under dir (database, WAL, CSVs, analytics, dashboard, logs), recursively. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).flatMap((entry) => {
    const full = path.join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name);
    return entry.isFile() ? [full] : [];
  });
}

/** Where under dir any of the strings occurs, byte by byte: as UTF-8, UTF-16 and JSON-escaped. */
function tracesUnder(dir: string, needles: string[]): string[] {
  const forms = needles.flatMap((needle) => [
    Buffer.from(needle, 'utf8'),
    Buffer.from(needle.toLowerCase(), 'utf8'),
    Buffer.from(needle, 'utf16le'),
    Buffer.from(JSON.stringify(needle).slice(1, -1), 'utf8'),
  ]);
  return filesUnder(dir).filter((file) => {
    const bytes = fs.readFileSync(file);
    return forms.some((form) => bytes.includes(form));
  });
}

/** Every string in a history, payloads decoded (JSON.stringify would show them as base64, hiding what they hold). */
function readable(value: unknown): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(readable).join('\n');
  if (value && typeof value === 'object') return Object.values(value).map(readable).join('\n');
  return String(value);
}

/**
 * A customer with orders whose email and name occur in no other record of the store (so a trace is theirs). The
 * name's forms: the CSV's adjacent first and last name cells and the GraphQL record's (raw_json) pair of fields (the
 * selection reads no address `name`, so the two are never joined by a space).
 */
function pickCustomer(store: ShopifyStore): { customer: ApiRecord; needles: string[] } {
  const customers = [...store.records('customers')] as ApiRecord[];
  const orders = [...store.records('orders')] as ApiRecord[];
  for (const customer of customers) {
    const { id, email, first_name: first, last_name: last, phone } = customer;
    if (typeof email !== 'string' || typeof first !== 'string' || typeof last !== 'string') continue;
    if (!/^[A-Za-z]{3,}$/.test(first) || !/^[A-Za-z]{3,}$/.test(last)) continue;
    const own = (o: ApiRecord) => (o.customer as ApiRecord | null)?.id === id || o.email === email;
    if (!orders.some(own)) continue;
    const needles = [email, `${first},${last}`, `"firstName":"${first}","lastName":"${last}"`];
    if (typeof phone === 'string' && phone.length > 6) needles.push(phone);
    const others = JSON.stringify([...customers.filter((c) => c.id !== id), ...orders.filter((o) => !own(o))]);
    const sameName = customers.some((c) => c.id !== id && c.first_name === first && c.last_name === last);
    if (!sameName && needles.every((needle) => !others.includes(needle))) return { customer, needles };
  }
  throw new Error('The emulated store has no customer with orders and a name of their own: change the seed.');
}

describe('erasure end to end: --redact-customer, then a full sync, leaves no trace anywhere', () => {
  let env: TestWorkflowEnvironment;
  let store: ShopifyStore;
  let sheets: SheetsEmulator;
  const data = tempDir();
  const keys = generateServiceAccountKeys();
  const credentials = path.join(data.dir, '..', `${path.basename(data.dir)}-credentials.json`);

  beforeAll(async () => {
    [env] = await Promise.all([startTemporal(), workflowBundle()]);
    store = createShopifyStore({ seed: 11, products: 30, customers: 200, orders: 600 });
    await store.listen(0);
    sheets = createSheetsEmulator({
      serviceAccounts: { [ACCOUNT]: keys.publicKey },
      spreadsheets: [{ id: SHEET_ID, editors: [ACCOUNT] }],
    });
    await sheets.listen(0);
    fs.writeFileSync(
      credentials,
      JSON.stringify({ type: 'service_account', client_email: ACCOUNT, private_key: keys.privateKey }),
    );
  });
  afterAll(async () => {
    await sheets?.close();
    await store?.close();
    await env?.teardown();
    fs.rmSync(credentials, { force: true });
    data.cleanup();
  });

  const config = () =>
    testConfig(data.dir, store.url, {}, 'e2e-erasure', {
      googleSheetId: SHEET_ID,
      googleCredentialsFile: credentials,
      googleSheetsRootUrl: sheets.url,
      sheetsRequestsPerMinute: 6_000,
    });

  const sheetText = () => JSON.stringify(CSV_EXPORTS.map(({ table }) => sheets.values(SHEET_ID, sheetTitle(table))));
  const analytics = () => {
    const { generated_at: _generated, ...summary } = JSON.parse(
      fs.readFileSync(path.join(data.dir, 'analytics_summary.json'), 'utf8'),
    );
    return summary;
  };

  it('erases the email and name from the database, WAL, CSVs, analytics, dashboard and Sheet; sales unchanged', async () => {
    const { customer, needles } = pickCustomer(store);
    await runSyncInProcess(env, config(), { full: true });
    // The search finds what is there: every needle is in the outputs before the erasure.
    for (const needle of needles) expect([needle, tracesUnder(data.dir, [needle]).length > 0]).toEqual([needle, true]);
    expect(needles.filter((n) => sheetText().includes(n)).length).toBeGreaterThan(0);
    const before = analytics();

    // The command line's code path, with an in-process worker; the email goes in with different case and spaces.
    const printed: string[] = [];
    const out = { write: (text: string) => printed.push(text) } as unknown as NodeJS.WriteStream;
    const { worker, close } = await createSyncWorker({
      ...config(),
      connection: env.nativeConnection,
      workflowBundle: await workflowBundle(),
    });
    const result = await worker
      .runUntil(
        runRedaction({
          client: env.client,
          taskQueue: config().app.temporal.taskQueue,
          uiUrl: 'http://localhost:8233',
          store: config().shopify.store,
          target: `  ${String(customer.email).toUpperCase()} `,
          sheets: true,
          out,
        }),
      )
      .finally(close);
    expect(result).toMatchObject({ found: true, customerIds: [customer.id], customers: 1 });
    expect(result.orders).toBeGreaterThan(0);
    expect(result.purge.walBytesAfter).toBe(0);
    expect(result.stages.map((s) => [s.name, s.status])).toEqual([
      ['csv', 'done'],
      ['analytics', 'done'],
      ['dashboard', 'done'],
      ['sheets', 'done'],
    ]);
    expect(printed.join('')).toMatch(/Erased the personal data of customer \d+: 1 customer, \d+ orders/);
    // A run of its own in the Web UI, each step named; neither it, the output nor the history holds email or name.
    const handle = env.client.workflow.getHandle(redactWorkflowId(config().shopify.store));
    const description = await handle.describe();
    expect([description.type, description.status.name]).toEqual(['redactCustomer', 'COMPLETED']);
    expect(await description.staticSummary()).toBe(
      'Erase the personal data of the customer with that email in e2e-store',
    );
    const history = readable(await handle.fetchHistory());
    for (const step of ['erase personal data', 'vacuum database, empty WAL', 'export CSVs', 'push to Google Sheets']) {
      expect(history).toContain(step);
    }
    expect(history).toContain(emailSha256(String(customer.email))); // the decoded payloads are what is searched
    for (const needle of needles) {
      expect(printed.join('').includes(needle)).toBe(false);
      expect(history.toLowerCase().includes(needle.toLowerCase())).toBe(false);
    }

    // Shopify still serves the customer with all their data: the next full sync must not write it back.
    await runSyncInProcess(env, config(), { full: true });
    expect(tracesUnder(data.dir, needles)).toEqual([]);
    expect(needles.filter((n) => sheetText().includes(n))).toEqual([]);
    const dashboard = filesUnder(path.join(data.dir, 'dashboard'));
    expect(dashboard.length).toBeGreaterThan(0);

    // The orders stay, anonymous: the sales figures are unchanged, and still equal the store's own.
    expect(analytics()).toEqual(before);
    expect(analytics()).toEqual(
      analyticsFromApiRecords(store.records('orders'), store.records('customers'), store.records('products')),
    );
    const db = openReadOnly(data.dir);
    expect(db.prepare('SELECT email, first_name, last_name FROM customers WHERE id = ?').get(customer.id)).toEqual({
      email: null,
      first_name: null,
      last_name: null,
    });
    expect(db.prepare('SELECT COUNT(*) AS n FROM orders WHERE customer_id = ?').get(customer.id)).toEqual({
      n: result.orders - result.guestOrders,
    });
    db.close();
  });
});
