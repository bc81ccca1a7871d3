import fs from 'node:fs';
import path from 'node:path';
import { freePort, processEnv, spawnTs } from '../helpers/processes';
import { tempDir } from '../helpers/tmp';

/**
 * `npm run worker` with bad settings: exit code 2 within seconds, a message naming the setting and what to do, and no
 * attempt to reach Temporal first (TEMPORAL_ADDRESS points at a closed port, whose own message would otherwise show).
 */

const FAKE_KEY_BODY = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7';

describe('the worker refuses bad configuration at start', () => {
  const data = tempDir('shopify-bad-config-');
  let base: Record<string, string>;

  beforeAll(async () => {
    base = processEnv({
      storeUrl: 'http://127.0.0.1:9', // never contacted
      dataDir: data.dir,
      temporalAddress: `127.0.0.1:${await freePort()}`,
      taskQueue: 'bad-config',
    });
  });
  afterAll(() => data.cleanup());

  async function runWorker(changes: Record<string, string | undefined>) {
    const env: Record<string, string> = { ...base };
    for (const [name, value] of Object.entries(changes)) {
      if (value === undefined) delete env[name];
      else env[name] = value;
    }
    const started = Date.now();
    const worker = spawnTs('worker/index.ts', [], env);
    const timer = setTimeout(() => worker.child.kill('SIGKILL'), 20_000);
    const code = await worker.exited;
    clearTimeout(timer);
    return { code, output: worker.output(), elapsed: Date.now() - started };
  }

  const cases: Array<{ name: string; env: Record<string, string | undefined>; says: RegExp[]; secret?: string }> = [
    {
      name: 'SHOPIFY_STORE missing',
      env: { SHOPIFY_STORE: undefined },
      says: [/SHOPIFY_STORE is not set\. Put them in \.env at the project root \(see \.env\.example\)/],
    },
    {
      name: 'SHOPIFY_API_TOKEN missing',
      env: { SHOPIFY_API_TOKEN: undefined },
      says: [/SHOPIFY_API_TOKEN is not set/, /Admin API access token of a custom app/],
    },
    {
      name: 'both missing (blank counts as missing)',
      env: { SHOPIFY_STORE: '  ', SHOPIFY_API_TOKEN: undefined },
      says: [/SHOPIFY_STORE and SHOPIFY_API_TOKEN are not set/],
    },
    {
      name: 'SHOPIFY_API=rest, from before the REST client was removed',
      env: { SHOPIFY_API: 'rest' },
      says: [/SHOPIFY_API=rest: the REST Admin API client was removed/, /Remove SHOPIFY_API from \.env/],
    },
    {
      name: 'SHOPIFY_STORE not a store name',
      env: { SHOPIFY_STORE: 'my shop!' },
      says: [/SHOPIFY_STORE "my shop!" is not a Shopify store name/, /"acme" or "acme\.myshopify\.com"/],
    },
    {
      name: 'SHOPIFY_STORE an admin URL with a path',
      env: { SHOPIFY_STORE: 'https://acme.myshopify.com/admin/orders' },
      says: [/SHOPIFY_STORE "https:\/\/acme\.myshopify\.com\/admin\/orders" is not a Shopify store name/],
    },
    {
      name: 'SHOPIFY_API_TOKEN with a space inside',
      env: { SHOPIFY_API_TOKEN: 'shpat_0123456789abcdef 0123456789abcdef' },
      says: [/SHOPIFY_API_TOKEN contains whitespace; copy the token again/],
      secret: '0123456789abcdef',
    },
    {
      name: 'SHOPIFY_API_VERSION not a quarter',
      env: { SHOPIFY_API_VERSION: '2024-13' },
      says: [/SHOPIFY_API_VERSION "2024-13" is not a Shopify API version/, /year and quarter month: 01, 04, 07 or 10/],
    },
    {
      name: 'SHOPIFY_API_VERSION a word',
      env: { SHOPIFY_API_VERSION: 'latest' },
      says: [/SHOPIFY_API_VERSION "latest" is not a Shopify API version\. Versions look like "2026-10"/],
    },
    {
      name: 'SHOPIFY_BASE_URL not a URL',
      env: { SHOPIFY_BASE_URL: 'localhost 4010' },
      says: [/SHOPIFY_BASE_URL "localhost 4010" is not a URL, e\.g\. http:\/\/127\.0\.0\.1:4010/],
    },
    {
      name: 'SHOPIFY_BASE_URL another scheme',
      env: { SHOPIFY_BASE_URL: 'ftp://127.0.0.1:4010' },
      says: [/SHOPIFY_BASE_URL "ftp:\/\/127\.0\.0\.1:4010" must start with http:\/\/ or https:\/\//],
    },
    {
      name: 'SHOPIFY_TIMEOUT_MS not a number',
      env: { SHOPIFY_TIMEOUT_MS: '30s' },
      says: [/SHOPIFY_TIMEOUT_MS must be a positive whole number \(e\.g\. SHOPIFY_TIMEOUT_MS=30000\), got "30s"/],
    },
    {
      name: 'LOG_LEVEL not a level (the worker used to run silent, with an empty log)',
      env: { LOG_LEVEL: 'loud' },
      says: [/LOG_LEVEL must be one of error, warn, info, verbose, debug \(e\.g\. LOG_LEVEL=debug\), got "loud"/],
    },
    {
      name: 'TEMPORAL_ADDRESS given as a URL',
      env: { TEMPORAL_ADDRESS: 'http://localhost:7233' },
      says: [
        /TEMPORAL_ADDRESS must be host:port, e\.g\. TEMPORAL_ADDRESS=localhost:7233, got "http:\/\/localhost:7233"/,
      ],
    },
  ];

  it.each(cases)('$name → exit 2 before connecting to Temporal, naming the setting', async (c) => {
    const { code, output, elapsed } = await runWorker(c.env);
    expect(code).toBe(2);
    expect(output).toMatch(/^Configuration error: /m);
    for (const phrase of c.says) expect(output).toMatch(phrase);
    expect(output).not.toMatch(/Cannot reach the Temporal server/);
    if (c.secret) expect(output).not.toContain(c.secret);
    expect(elapsed).toBeLessThan(10_000);
  });

  it('control: with good settings it gets as far as Temporal, and says it cannot reach it (exit 2)', async () => {
    const { code, output, elapsed } = await runWorker({});
    expect(code).toBe(2);
    expect(output).toMatch(/Cannot reach the Temporal server at 127\.0\.0\.1:\d+/);
    expect(output).toMatch(/set TEMPORAL_ADDRESS/);
    expect(elapsed).toBeLessThan(15_000);
  });

  describe('Google Sheets credentials, when GOOGLE_SHEET_ID is set', () => {
    const keys = tempDir('shopify-bad-key-');
    afterAll(() => keys.cleanup());

    const credentialCases: Array<{ name: string; content: string | null; says: RegExp }> = [
      {
        name: 'a key file that is not valid JSON',
        content: `{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\n${FAKE_KEY_BODY}\\n`,
        says: /Google Sheets credentials at .*broken-key\.json are not valid JSON \(error at position \d+\)\. Download the key again/,
      },
      {
        name: 'a JSON file that is not a service account key',
        content: JSON.stringify({ installed: { client_id: 'x', client_secret: FAKE_KEY_BODY } }),
        says: /credentials at .*broken-key\.json are not a service account key \(need "type": "service_account"/,
      },
      {
        name: 'no key file at all',
        content: null,
        says: /Google Sheets credentials not found at .*broken-key\.json\. Save the service account's JSON key there .*or unset GOOGLE_SHEET_ID in the worker's environment/,
      },
    ];

    it.each(credentialCases)('$name → exit 2 naming the file, never echoing the key', async (c) => {
      const file = path.join(keys.dir, 'broken-key.json');
      fs.rmSync(file, { force: true });
      if (c.content !== null) fs.writeFileSync(file, c.content, { mode: 0o600 });
      const { code, output, elapsed } = await runWorker({
        GOOGLE_SHEET_ID: '1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg',
        GOOGLE_APPLICATION_CREDENTIALS: file,
      });
      expect(output).not.toContain(FAKE_KEY_BODY);
      expect(output).toMatch(c.says);
      expect(output).not.toMatch(/Cannot reach the Temporal server/);
      expect(code).toBe(2);
      expect(elapsed).toBeLessThan(10_000);
    });
  });
});
