import { ApplicationFailure } from '@temporalio/common';
import { DEFAULT_API_VERSION, type ShopifyConfig } from '../../common/config';
import { formatConnectionReport } from '../../common/connection-report';
import { accessTokenSource } from '../../activities/shopify/access-token';
import { checkConnection } from '../../activities/shopify/connection-check';
import { CostPacer } from '../../activities/shopify/graphql/cost-pacer';
import { GraphqlClient } from '../../activities/shopify/graphql/graphql-client';
import { createShopifyStore, type ShopifyStoreOptions } from '../../emulators/shopify';

/** The connection check against the emulator's GraphQL Admin API: what it reads and what it calls a problem. */

const APP = { clientId: 'check-client-id', clientSecret: 'check-client-secret-5e6f' };

async function check(options: ShopifyStoreOptions, overrides: Partial<ShopifyConfig> = {}) {
  const store = createShopifyStore({ shopName: 'check-shop', ...options });
  const url = await store.listen(0);
  try {
    const config: ShopifyConfig = {
      store: 'check-shop',
      baseUrl: url,
      apiVersion: DEFAULT_API_VERSION,
      timeoutMs: 5_000,
      clientCredentials: APP,
      ...overrides,
    };
    const tokens = accessTokenSource(config);
    const client = new GraphqlClient({ ...config, tokens, pacer: new CostPacer() });
    const report = await checkConnection(client, tokens, config.store);
    return { report, text: formatConnectionReport(report), log: store.requestLog };
  } finally {
    await store.close();
  }
}

describe('connection check', () => {
  it('a good Dev Dashboard app: shop, currency, time zone, version, token and its expiry, all four scopes', async () => {
    const { report, text, log } = await check({
      app: APP,
      shop: { name: 'Check Shop', currency: 'EUR', ianaTimezone: 'Europe/Berlin', domain: 'shop.example.com' },
    });
    expect(report).toMatchObject({
      shop: {
        name: 'Check Shop',
        myshopifyDomain: 'check-shop.myshopify.com',
        currency: 'EUR',
        timeZone: 'Europe/Berlin',
      },
      apiVersion: { requested: DEFAULT_API_VERSION, served: DEFAULT_API_VERSION, supported: true },
      token: { kind: 'client-credentials' },
      scopes: { missing: [] },
      problems: [],
    });
    const left = Date.parse(report.token.expiresAt!) - Date.now();
    expect(left).toBeGreaterThan(86_000_000);
    expect(report.shop.domain).toBe('shop.example.com');
    expect(text).toMatch(/Shop: +Check Shop \(check-shop\.myshopify\.com, shop\.example\.com\)/);
    expect(text).toMatch(/Token: +client-credentials grant .* expires .* \(in 14\d\d min\)/);
    expect(text).toMatch(/read_products ok, read_customers ok, read_orders ok, read_all_orders ok/);
    expect(text).toMatch(/Connection check passed\./);
    // The scopes come from Shopify (one GraphQL query), not from the grant's answer or the configuration.
    const queries = log.filter((r) => r.kind === 'graphql');
    expect(queries.map((r) => r.graphql?.fields)).toEqual([['shop', 'currentAppInstallation']]);
    expect(log.every((r) => r.kind === 'graphql' || r.path === '/admin/oauth/access_token')).toBe(true);
  });

  it('without read_all_orders: a problem saying only 60 days of orders are visible and the analytics will be wrong', async () => {
    const { report, text } = await check({
      app: APP,
      scopes: ['read_products', 'read_customers', 'write_orders'], // write_orders grants read_orders
    });
    expect(report.scopes.missing).toEqual(['read_all_orders']);
    expect(report.problems).toHaveLength(1);
    expect(text).toMatch(/read_orders ok, read_all_orders MISSING/);
    expect(text).toMatch(/only the last 60 days of orders.*analytics .* will be wrong/);
  });

  it('a retired API version: Shopify serves a newer one, and the check says which and what to set', async () => {
    const { report, text } = await check({ app: APP, oldestApiVersion: '2026-01' }, { apiVersion: '2025-04' });
    expect(report.apiVersion).toEqual({ requested: '2025-04', served: '2026-01', supported: false });
    expect(text).toMatch(/2025-04 is no longer supported: Shopify served 2026-01 instead/);
    expect(report.problems[0]).toMatch(/Set SHOPIFY_API_VERSION/);
  });

  it('a static token: says so, with no expiry', async () => {
    const { report, text } = await check(
      { accessToken: 'shpat_static_check' },
      {
        clientCredentials: undefined,
        apiToken: 'shpat_static_check',
      },
    );
    expect(report.token).toEqual({ kind: 'static', expiresAt: null });
    expect(text).toMatch(/Token: +SHOPIFY_API_TOKEN \(a static token/);
  });

  it("a wrong secret: fails with the grant's message, not a report", async () => {
    const failure = await check({ app: APP }, { clientCredentials: { ...APP, clientSecret: 'not-the-secret' } }).catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).message).toMatch(
      /refused the client-credentials grant \(400 invalid_client/,
    );
  });
});
