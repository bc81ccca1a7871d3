import fs from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createShopifyStore, ShopifyStore } from '../../emulators/shopify';
import { compareWithStore, EQUAL } from '../helpers/compare';
import { processEnv, spawnTs, Spawned, waitFor } from '../helpers/processes';
import { openReadOnly, runSyncInProcess, testConfig } from '../helpers/sync-harness';
import { startTemporal, workflowBundle } from '../helpers/temporal';
import { tempDir } from '../helpers/tmp';

/**
 * A Dev Dashboard app's client id and secret, exchanged by the worker for tokens that expire every two seconds
 * (Shopify's live 24 hours): syncs, `npm run sync` with a wrong secret, `--check`, and nowhere a secret or a token.
 */

const CLIENT_ID = 'e2e-dev-dashboard-client-id';
const SECRET = 'e2e-client-secret-3f9a1c7d2b8e';
const ORDERS = 4_000;

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

describe('Dev Dashboard app credentials (client-credentials grant) end to end', () => {
  let env: TestWorkflowEnvironment;
  let store: ShopifyStore;
  let limited: ShopifyStore;
  const data = tempDir();
  const procData = tempDir();
  const workers: Spawned[] = [];
  const figures: string[] = [];

  beforeAll(async () => {
    [env] = await Promise.all([startTemporal(), workflowBundle()]);
    store = createShopifyStore({
      seed: 21,
      shopName: 'e2e-store',
      products: 80,
      customers: 900,
      orders: ORDERS,
      app: { clientId: CLIENT_ID, clientSecret: SECRET, tokenLifetimeSeconds: 2 },
      shop: { name: 'Auth Test Shop', currency: 'CAD', ianaTimezone: 'America/Toronto' },
      // Every request takes 0.3 s, so the sync outlives several tokens.
      faults: [{ kind: 'latency', latencyMs: 300, rate: 1 }],
      // A Plus plan's cost bucket: the client takes its token before waiting for the cost pacer, so a wait longer
      // than these 2-second tokens would send an expired one (twice: a non-retryable failure).
      graphql: { costLimit: { maximumAvailable: 10_000, restoreRate: 1_000 } },
    });
    limited = createShopifyStore({
      seed: 22,
      shopName: 'e2e-store',
      orders: 50,
      app: { clientId: CLIENT_ID, clientSecret: SECRET },
      scopes: ['read_products', 'read_customers', 'read_orders'],
    });
    await Promise.all([store.listen(0), limited.listen(0)]);
  });
  afterAll(async () => {
    if (figures.length) console.log(`Client-credentials figures:\n${figures.join('\n')}`);
    for (const worker of workers) worker.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    await Promise.all([store?.close(), limited?.close()]);
    await env?.teardown();
    data.cleanup();
    procData.cleanup();
  });

  const appConfig = (shop: ShopifyStore, secret = SECRET) => {
    const config = testConfig(data.dir, shop.url, {
      apiToken: undefined,
      clientCredentials: { clientId: CLIENT_ID, clientSecret: secret },
    });
    return config;
  };

  const processConfig = (shop: ShopifyStore, taskQueue: string, secret = SECRET) => {
    const config: Record<string, string> = {
      ...processEnv({ storeUrl: shop.url, dataDir: procData.dir, temporalAddress: env.address, taskQueue }),
      SHOPIFY_CLIENT_ID: CLIENT_ID,
      SHOPIFY_CLIENT_SECRET: secret,
    };
    delete config.SHOPIFY_API_TOKEN;
    return config;
  };

  const startWorker = async (config: Record<string, string>) => {
    const worker = spawnTs('worker/index.ts', [], config);
    workers.push(worker);
    await waitFor('the worker to start', () => worker.output().includes('Worker for store'), 60_000);
    return worker;
  };

  it(`syncs ${ORDERS} orders with tokens that expire every 2 s: refreshed, no attempt failed, then incrementally after expiry`, async () => {
    const started = Date.now();
    const result = await runSyncInProcess(env, appConfig(store), { full: true });
    const elapsed = Date.now() - started;
    expect(result.resources.orders.records).toBe(ORDERS);
    const tokens = store.issuedTokens();
    expect(tokens.length).toBeGreaterThanOrEqual(3); // the first and at least two refreshes

    // No activity attempt failed (an expired token would have failed one, or been renewed inside it).
    const history = await env.client.workflow.getHandle('shopify-sync-e2e-store').fetchHistory();
    const events = history.events ?? [];
    const failedAttempts = events.filter(
      (e) => e.activityTaskFailedEventAttributes || e.activityTaskTimedOutEventAttributes,
    );
    expect(failedAttempts).toHaveLength(0);
    const attempts = events.flatMap((e) => e.activityTaskStartedEventAttributes?.attempt ?? []);
    expect(attempts.length).toBeGreaterThan(5);
    expect(attempts.every((a) => a === 1)).toBe(true);
    let db = openReadOnly(data.dir);
    const comparison = compareWithStore(db, store);
    expect(comparison).toMatchObject(EQUAL);
    db.close();
    const rejected = store.requestLog.filter((r) => r.status === 401).length;
    figures.push(
      `full sync: ${elapsed} ms, ${tokens.length} tokens issued (2 s each), ${rejected} requests answered 401 and ` +
        `renewed in the call, ${attempts.length} activity attempts all first, ${comparison.rowsCompared} rows equal`,
    );

    // The last token has expired by now: the next run gets a new one and picks up the changes.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    store.mutate('orders', { update: 12, create: 4 });
    const before = store.issuedTokens().length;
    const incremental = await runSyncInProcess(env, appConfig(store), {});
    expect(incremental.mode).toBe('incremental');
    expect(incremental.resources.orders.records).toBeGreaterThanOrEqual(16);
    expect(store.issuedTokens().length).toBeGreaterThan(before);
    db = openReadOnly(data.dir);
    expect(compareWithStore(db, store)).toMatchObject(EQUAL);
    db.close();
  });

  it('--check on a good configuration: shop, currency, time zone, API version, token and expiry, scopes; exit 0', async () => {
    const config = processConfig(store, 'auth-good');
    const worker = await startWorker(config);
    const check = spawnTs('client/sync.ts', ['--check'], config);
    expect(await check.exited).toBe(0);
    const out = check.output();
    expect(out).toMatch(/Shop: +Auth Test Shop \(e2e-store\.myshopify\.com\)/);
    expect(out).toMatch(/Currency: +CAD/);
    expect(out).toMatch(/Time zone: +America\/Toronto/);
    expect(out).toMatch(/API version: +2026-10 \(supported: Shopify served it\)/);
    expect(out).toMatch(/Token: +client-credentials grant .*expires 20\d\d-.* \(in [0-2] s\), renewed before then/);
    expect(out).toMatch(/read_products ok, read_customers ok, read_orders ok, read_all_orders ok/);
    expect(out).toMatch(/Connection check passed\./);
    // The worker ran the same check at start and logged it.
    await waitFor('the start-up check in the log', () => worker.output().includes('Connection check of "e2e-store"'));
    expect(worker.output()).toMatch(
      /Connection check of "e2e-store" \(client-credentials grant \(SHOPIFY_CLIENT_ID\)\):\n.*Shop: +Auth Test Shop/,
    );
  });

  it('--check without read_all_orders: exit 1, saying only 60 days of orders are visible and the analytics will be wrong', async () => {
    const config = processConfig(limited, 'auth-limited');
    await startWorker(config);
    const check = spawnTs('client/sync.ts', ['--check'], config);
    expect(await check.exited).toBe(1);
    expect(check.output()).toMatch(/read_all_orders MISSING/);
    expect(check.output()).toMatch(/only the last 60 days of orders.*analytics .*will be wrong/);
  });

  it('a wrong secret: npm run sync exits non-zero within seconds with the message, and --check fails the same way', async () => {
    const config = processConfig(store, 'auth-wrong-secret', 'e2e-wrong-secret-000000');
    await startWorker(config);
    const started = Date.now();
    const sync = spawnTs('client/sync.ts', ['--once', '--no-sheets'], config);
    expect(await sync.exited).toBe(1);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(20_000);
    figures.push(`wrong secret: npm run sync exited 1 after ${elapsed} ms (process start included)`);
    expect(sync.output()).toMatch(
      /Sync failed: Shopify store "e2e-store" refused the client-credentials grant \(400 invalid_client.*Check SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET/,
    );
    const check = spawnTs('client/sync.ts', ['--check'], config);
    expect(await check.exited).toBe(1);
    expect(check.output()).toMatch(
      /Connection check failed: Shopify store "e2e-store" refused the client-credentials grant/,
    );
  });

  it('neither the secret nor any issued token is in the log dir, the data dirs, the outputs or any workflow history', async () => {
    const secrets = [SECRET, 'e2e-wrong-secret-000000', ...store.issuedTokens(), ...limited.issuedTokens()];
    expect(secrets.length).toBeGreaterThan(5);
    const histories: Array<[string, string]> = [];
    for await (const run of env.client.workflow.list()) {
      const history = await env.client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
      histories.push([`history ${run.workflowId}`, JSON.stringify(history)]);
    }
    expect(histories.some(([where]) => where.includes('shopify-connection-check-'))).toBe(true);
    const places: Array<[string, string]> = [
      ...histories,
      ...workers.map((w, i): [string, string] => [`worker ${i} output`, w.output()]),
      ...[...filesUnder(data.dir), ...filesUnder(procData.dir)].map((file): [string, string] => [
        file,
        fs.readFileSync(file, 'latin1'),
      ]),
    ];
    expect(filesUnder(path.join(procData.dir, 'logs')).length).toBeGreaterThanOrEqual(3);
    const leaks = places.flatMap(([where, text]) => secrets.filter((s) => text.includes(s)).map(() => where));
    expect(leaks).toEqual([]);
  });
});
