import {
  ConfigError,
  DEFAULT_API_VERSION,
  loadAppConfig,
  loadShopifyConfig,
  parseStoreName,
} from '../../common/config';

const good = { SHOPIFY_STORE: 'acme', SHOPIFY_API_TOKEN: 'shpat_x' };

describe('configuration', () => {
  it('has the documented defaults', () => {
    const app = loadAppConfig({});
    expect(app.dataDir.endsWith('/data')).toBe(true);
    expect(app.logDir.endsWith('/logs')).toBe(true);
    expect(app.temporal).toEqual({
      address: 'localhost:7233',
      namespace: 'default',
      taskQueue: 'shopify-sync',
      uiUrl: 'http://localhost:8233',
    });
    expect(app.googleSheetId).toBeNull();
    expect(loadShopifyConfig(good)).toEqual({
      store: 'acme',
      baseUrl: 'https://acme.myshopify.com',
      apiVersion: DEFAULT_API_VERSION,
      apiToken: 'shpat_x',
      timeoutMs: 30_000,
    });
  });

  it('ignores SHOPIFY_API=graphql, left from when GraphQL was the opt-in: it is what happens anyway', () => {
    expect(loadShopifyConfig({ ...good, SHOPIFY_API: 'GraphQL' })).toEqual(loadShopifyConfig(good));
  });

  it('accepts the store as a name, a domain or a URL', () => {
    for (const form of ['acme', 'acme.myshopify.com', 'https://acme.myshopify.com/', 'ACME'])
      expect(parseStoreName(form)).toBe('acme');
  });

  it('uses SHOPIFY_BASE_URL for proxies and test stores', () => {
    expect(loadShopifyConfig({ ...good, SHOPIFY_BASE_URL: 'http://127.0.0.1:4010/' }).baseUrl).toBe(
      'http://127.0.0.1:4010',
    );
  });

  it.each([
    [{}, /SHOPIFY_STORE and SHOPIFY_API_TOKEN are not set/],
    [{ SHOPIFY_STORE: 'acme' }, /SHOPIFY_API_TOKEN is not set.*\.env/],
    [{ ...good, SHOPIFY_STORE: 'my shop!' }, /SHOPIFY_STORE "my shop!" is not a Shopify store name/],
    [{ ...good, SHOPIFY_API_TOKEN: 'shpat_ x' }, /SHOPIFY_API_TOKEN contains whitespace/],
    [{ ...good, SHOPIFY_API_VERSION: '2024-13' }, /SHOPIFY_API_VERSION "2024-13" is not a Shopify API version/],
    [{ ...good, SHOPIFY_BASE_URL: 'not a url' }, /SHOPIFY_BASE_URL "not a url" is not a URL/],
    [{ ...good, SHOPIFY_BASE_URL: 'ftp://x' }, /must start with http/],
    [{ ...good, SHOPIFY_TIMEOUT_MS: '-5' }, /SHOPIFY_TIMEOUT_MS must be a positive whole number/],
    [{ ...good, SHOPIFY_API: 'rest' }, /SHOPIFY_API=rest: the REST Admin API client was removed.*Remove SHOPIFY_API/],
    [{ ...good, SHOPIFY_API: 'soap' }, /SHOPIFY_API=soap: the REST Admin API client was removed/],
  ])('refuses bad settings with a message that says what to fix (%j)', (env, message) => {
    expect(() => loadShopifyConfig(env)).toThrow(ConfigError);
    expect(() => loadShopifyConfig(env)).toThrow(message);
  });

  it.each([
    [
      { LOG_LEVEL: 'loud' },
      /^LOG_LEVEL must be one of error, warn, info, verbose, debug \(e\.g\. LOG_LEVEL=debug\), got "loud"\.$/,
    ],
    [{ LOG_FORMAT: 'xml' }, /^LOG_FORMAT must be "text" or "json" \(e\.g\. LOG_FORMAT=json\)/],
    [
      { TEMPORAL_ADDRESS: 'http://localhost:7233' },
      /^TEMPORAL_ADDRESS must be host:port, e\.g\. TEMPORAL_ADDRESS=localhost:7233, got "http:/,
    ],
    [{ TEMPORAL_ADDRESS: 'localhost' }, /^TEMPORAL_ADDRESS must be host:port/],
    [
      { TEMPORAL_UI_URL: 'localhost:8233' },
      /^TEMPORAL_UI_URL must be an http\(s\) URL, e\.g\. TEMPORAL_UI_URL=http:\/\/localhost:8233/,
    ],
    [
      { CSV_NEUTRALIZE_FORMULAS: 'maybe' },
      /^CSV_NEUTRALIZE_FORMULAS must be true or false \(e\.g\. CSV_NEUTRALIZE_FORMULAS=true\)/,
    ],
    [{ OUTPUT_FILE_MODE: '999' }, /^OUTPUT_FILE_MODE must be an octal file mode like 600 or 640/],
    [
      { GOOGLE_SHEETS_REQUESTS_PER_MINUTE: '0' },
      /^GOOGLE_SHEETS_REQUESTS_PER_MINUTE must be .* \(e\.g\. GOOGLE_SHEETS_REQUESTS_PER_MINUTE=60\)/,
    ],
  ])('refuses a bad worker or CLI setting naming it with a good example (%j)', (env, message) => {
    expect(() => loadAppConfig(env)).toThrow(ConfigError);
    expect(() => loadAppConfig(env)).toThrow(message);
  });

  it('accepts the documented forms of the Temporal and logging settings', () => {
    const app = loadAppConfig({
      LOG_LEVEL: 'DEBUG',
      TEMPORAL_ADDRESS: 'temporal:7233',
      TEMPORAL_UI_URL: 'http://h:8080/',
    });
    expect(app.logLevel).toBe('debug');
    expect(app.temporal).toMatchObject({ address: 'temporal:7233', uiUrl: 'http://h:8080' });
    expect(loadAppConfig({ TEMPORAL_ADDRESS: '[::1]:7233' }).temporal.address).toBe('[::1]:7233');
  });
});
