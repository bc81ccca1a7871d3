import { DEFAULT_API_VERSION, type ShopifyConfig } from '../../common/config';
import { redact } from '../../common/redact';
import {
  type AccessTokenSource,
  ClientCredentialsTokenSource,
  StaticTokenSource,
} from '../../activities/shopify/access-token';
import { exchangeFailure } from '../../activities/shopify/client-credentials';
import { CostPacer } from '../../activities/shopify/graphql/cost-pacer';
import { GraphqlClient } from '../../activities/shopify/graphql/graphql-client';
import { createShopifyStore, type ShopifyStore } from '../../emulators/shopify';
import { failureOf } from '../helpers/failures';

/** Tokens from the client-credentials grant, against the emulator's grant over real HTTP. */

const CLIENT_ID = 'unit-client-id-4b1d';
const SECRET = 'unit-client-secret-7f3a9c2e';

describe('access tokens from the client-credentials grant', () => {
  let store: ShopifyStore;
  let url: string;

  beforeAll(async () => {
    store = createShopifyStore({
      seed: 3,
      orders: 300,
      rateLimit: false,
      app: { clientId: CLIENT_ID, clientSecret: SECRET, tokenLifetimeSeconds: 3600 },
    });
    url = await store.listen(0);
  });
  afterAll(() => store.close());
  beforeEach(() => store.clearRequestLog());

  const grants = () => store.requestLog.filter((r) => r.path === '/admin/oauth/access_token');
  const config = (overrides: Partial<ShopifyConfig> = {}) => ({
    store: 'unit-store',
    baseUrl: url,
    timeoutMs: 5_000,
    clientCredentials: { clientId: CLIENT_ID, clientSecret: SECRET },
    ...overrides,
  });
  function clock(start = Date.now()) {
    let now = start;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  }

  it('exchanges the id and secret once for all concurrent callers, and the token is redacted everywhere', async () => {
    const source = new ClientCredentialsTokenSource(config());
    expect(source.expiresAt()).toBeNull();
    const tokens = await Promise.all(Array.from({ length: 8 }, () => source.token()));
    expect(new Set(tokens).size).toBe(1);
    expect(grants()).toHaveLength(1);
    expect(store.issuedTokens()).toContain(tokens[0]);
    expect(source.expiresAt()!.getTime() - Date.now()).toBeGreaterThan(3590_000);
    expect(source.grantedScope()).toBe('read_products,read_customers,read_orders,read_all_orders');
    // Neither the secret nor the issued token survives redaction, though neither has a recognisable shape.
    expect(redact(`token ${tokens[0]} secret ${SECRET}`)).toBe('token [REDACTED] secret [REDACTED]');
    expect(await source.token()).toBe(tokens[0]);
    expect(grants()).toHaveLength(1);
  });

  it('refreshes before expiry (one exchange for concurrent callers), not after', async () => {
    const time = clock();
    const source = new ClientCredentialsTokenSource(config(), { now: time.now, marginMs: 60_000 });
    const first = await source.token();
    time.advance(3600_000 - 61_000);
    expect(await source.token()).toBe(first);
    time.advance(2_000); // inside the margin
    const renewed = await Promise.all([source.token(), source.token(), source.token()]);
    expect(new Set(renewed).size).toBe(1);
    expect(renewed[0]).not.toBe(first);
    expect(grants()).toHaveLength(2);
  });

  it('renews once after a 401 on an older token, shared by concurrent callers; a fresh token rejected fails at once', async () => {
    const time = clock();
    const source = new ClientCredentialsTokenSource(config(), { now: time.now });
    const old = await source.token();
    time.advance(30 * 60_000);
    const renewed = await Promise.all([source.renewAfterRejection(old), source.renewAfterRejection(old)]);
    expect(renewed[0]).not.toBe(old);
    expect(renewed[1]).toBe(renewed[0]);
    expect(grants()).toHaveLength(2);

    time.advance(5_000);
    const failure = await failureOf(source.renewAfterRejection(renewed[0]));
    expect(failure).toMatchObject({ type: 'ShopifyAuthError', nonRetryable: true });
    expect(failure.message).toMatch(/rejected an access token it issued 5 s ago .*install it again/);
    expect(failure.message).not.toContain(SECRET);
    expect(grants()).toHaveLength(2);
  });

  it.each([
    [
      'a wrong secret',
      { clientSecret: 'wrong-secret-0000' },
      {},
      /invalid_client.*Check SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET/,
    ],
    ['a wrong client id', { clientId: 'someone-else' }, {}, /invalid_client.*Check SHOPIFY_CLIENT_ID/],
    [
      'a store of another organization',
      {},
      { sameOrganization: false },
      /shop_not_permitted: Client credentials cannot be performed on this shop.*same organization.*install \(authorization-code\) flow.*SHOPIFY_API_TOKEN.*https:\/\/shopify\.dev\/docs\/apps\/build\/authentication-authorization/,
    ],
    [
      'an app not installed',
      {},
      { installed: false },
      /app_not_installed.*Install the app on unit-store\.myshopify\.com/,
    ],
  ])('refuses %s at once, non-retryable, saying what to do', async (_name, credentials, app, message) => {
    const other = createShopifyStore({ app: { clientId: CLIENT_ID, clientSecret: SECRET, ...app } });
    const otherUrl = await other.listen(0);
    try {
      const source = new ClientCredentialsTokenSource(
        config({ baseUrl: otherUrl, clientCredentials: { clientId: CLIENT_ID, clientSecret: SECRET, ...credentials } }),
      );
      const failure = await failureOf(source.token());
      expect(failure).toMatchObject({ type: 'ShopifyAuthError', nonRetryable: true });
      expect(failure.message).toMatch(/^Shopify store "unit-store" refused the client-credentials grant \(400 /);
      expect(failure.message).toMatch(message);
      expect(failure.message).not.toContain('wrong-secret-0000');
      expect(failure.message).not.toContain(SECRET);
    } finally {
      await other.close();
    }
  });

  it('a 5xx from the token endpoint is retryable; an unreachable endpoint too, without the secret in the message', async () => {
    const busy = exchangeFailure('unit-store', 503, undefined, '<html>Service Unavailable</html>');
    expect(busy).toMatchObject({ type: 'ShopifyUnavailable', nonRetryable: false });
    const missing = exchangeFailure('unit-store', 404, { errors: 'Not Found' }, '{"errors":"Not Found"}');
    expect(missing).toMatchObject({ type: 'ShopifyNotFound', nonRetryable: true });
    expect(missing.message).toMatch(/no token endpoint \(404: Not Found\)\. Check SHOPIFY_STORE/);
    const source = new ClientCredentialsTokenSource(config({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 2_000 }));
    const failure = await failureOf(source.token());
    expect(failure).toMatchObject({ type: 'ShopifyUnavailable', nonRetryable: false });
    expect(failure.message).toMatch(/Could not reach Shopify store "unit-store" for an access token/);
    expect(failure.message).not.toContain(SECRET);
  });

  it('a static token is never renewed: a 401 asks for a new SHOPIFY_API_TOKEN', async () => {
    const source = new StaticTokenSource('unit-store', 'shpat_static_unit_token');
    expect(source.kind).toBe('static');
    expect(source.expiresAt()).toBeNull();
    expect(await source.token()).toBe('shpat_static_unit_token');
    const failure = await failureOf(source.renewAfterRejection());
    expect(failure).toMatchObject({ type: 'ShopifyAuthError', nonRetryable: true });
    expect(failure.message).toMatch(/Check SHOPIFY_API_TOKEN/);
  });

  describe('the GraphQL client with expiring tokens', () => {
    const SHOP = 'query Shop { shop { name } }';
    const clientFor = (shortUrl: string, tokens: AccessTokenSource) =>
      new GraphqlClient({
        ...config({ baseUrl: shortUrl }),
        apiVersion: DEFAULT_API_VERSION,
        tokens,
        pacer: new CostPacer(),
      });
    const shortLived = async (lifetime: number) => {
      const s = createShopifyStore({
        seed: 3,
        orders: 600,
        rateLimit: false,
        app: { clientId: CLIENT_ID, clientSecret: SECRET, tokenLifetimeSeconds: lifetime },
      });
      return { s, url: await s.listen(0) };
    };

    it('a token that expired between requests is renewed once and the request repeated, invisible to the caller', async () => {
      const { s, url: shortUrl } = await shortLived(1);
      try {
        // The source's clock runs slow, so it sends a token Shopify has let expire (clocks differ, a worker was
        // paused): the 401 path, not the refresh before expiry. 0.6 s: past the first half of the token's life.
        const time = clock();
        const tokens = new ClientCredentialsTokenSource(config({ baseUrl: shortUrl }), { now: time.now });
        const client = clientFor(shortUrl, tokens);
        await client.query(SHOP);
        await new Promise((resolve) => setTimeout(resolve, 1_100));
        time.advance(600);
        const second = await client.query<{ shop: { name: string } }>(SHOP);
        expect(second.data.shop.name).toBeTruthy();
        expect(second.requests).toBe(2);
        const statuses = s.requestLog.map((r) => `${r.path.split('/').pop()}:${r.status}`);
        expect(statuses).toEqual([
          'access_token:200',
          'graphql.json:200',
          'graphql.json:401',
          'access_token:200',
          'graphql.json:200',
        ]);
      } finally {
        await s.close();
      }
    });

    it('a fresh token rejected (the app lost access) fails the call at once, non-retryable, without a loop', async () => {
      const { s, url: shortUrl } = await shortLived(3600);
      try {
        s.setFaults([{ kind: 'status', status: 401 }]);
        const client = clientFor(shortUrl, new ClientCredentialsTokenSource(config({ baseUrl: shortUrl })));
        const failure = await failureOf(client.query(SHOP));
        expect(failure).toMatchObject({ type: 'ShopifyAuthError', nonRetryable: true });
        expect(failure.message).toMatch(/rejected an access token it issued 0 s ago/);
        expect(s.requestLog.filter((r) => r.path.endsWith('graphql.json'))).toHaveLength(1);
      } finally {
        await s.close();
      }
    });
  });
});
