import { ConfigError, loadShopifyConfig } from '../../common/config';
import { redact, registerSecret } from '../../common/redact';
import { processEnv, spawnTs } from '../helpers/processes';
import { tempDir } from '../helpers/tmp';

/** Where the worker's Shopify credentials come from, and that none of them leaks into what is logged. */

describe('Shopify credentials: a Dev Dashboard app or a static token, never both', () => {
  const store = { SHOPIFY_STORE: 'acme' };
  const app = { SHOPIFY_CLIENT_ID: 'f1e2d3c4b5a6', SHOPIFY_CLIENT_SECRET: 'shpss_0a1b2c3d4e5f' };

  it('takes SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET for the client-credentials grant', () => {
    const config = loadShopifyConfig({ ...store, ...app });
    expect(config.clientCredentials).toEqual({ clientId: 'f1e2d3c4b5a6', clientSecret: 'shpss_0a1b2c3d4e5f' });
    expect(config.apiToken).toBeUndefined();
  });

  it.each([
    ['neither way', {}, [/SHOPIFY_API_TOKEN is not set \(nor SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET\)/]],
    ['both ways', { ...app, SHOPIFY_API_TOKEN: 'shpat_x' }, [/Both SHOPIFY_API_TOKEN and SHOPIFY_CLIENT_ID are set/]],
    [
      'a secret without its id',
      { SHOPIFY_CLIENT_SECRET: 'abcdef123' },
      [/SHOPIFY_CLIENT_SECRET is set but SHOPIFY_CLIENT_ID is not/],
    ],
    [
      'an id without its secret',
      { SHOPIFY_CLIENT_ID: 'abcdef123' },
      [/SHOPIFY_CLIENT_ID is set but SHOPIFY_CLIENT_SECRET is not/],
    ],
  ])('refuses %s, naming the two ways', (_name, env, says) => {
    const load = () => loadShopifyConfig({ ...store, ...env });
    expect(load).toThrow(ConfigError);
    for (const text of [
      ...says,
      /SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET of a Dev Dashboard app/,
      /SHOPIFY_API_TOKEN, the Admin API access token/,
    ])
      expect(load).toThrow(text);
  });

  it('refuses a secret pasted with whitespace without echoing it', () => {
    const load = () => loadShopifyConfig({ ...store, ...app, SHOPIFY_CLIENT_SECRET: 'shpss_0a1b 2c3d' });
    expect(load).toThrow(/SHOPIFY_CLIENT_SECRET contains whitespace; copy it again/);
    expect(() => load()).not.toThrow(/0a1b/);
  });
});

describe('redaction of client secrets and issued tokens', () => {
  it('masks registered values whatever their shape, and named fields whatever their value', () => {
    registerSecret('9c1e5d0a7b3f4e2d8c6b');
    expect(redact('x 9c1e5d0a7b3f4e2d8c6b y')).toBe('x [REDACTED] y');
    expect(redact('grant_type=client_credentials&client_id=abc&client_secret=unregistered-1&x=1')).toBe(
      'grant_type=client_credentials&client_id=abc&client_secret=[REDACTED]&x=1',
    );
    expect(redact('{"access_token":"f85632530bf277ec","scope":"read_orders","expires_in":86399}')).toBe(
      '{"access_token":"[REDACTED]","scope":"read_orders","expires_in":86399}',
    );
    expect(redact('{"client_secret": "abc"}')).toBe('{"client_secret": "[REDACTED]"}');
    expect(redact("headers: { 'X-Shopify-Access-Token': 'f85632530bf277ec' }")).toBe(
      "headers: { 'X-Shopify-Access-Token': '[REDACTED]' }",
    );
    expect(redact('shpat_abc123 and shpss_def456')).toBe('[REDACTED] and [REDACTED]');
    expect(redact('"private_key": "-----BEGIN PRIVATE KEY-----\\nMIIE\\n-----END PRIVATE KEY-----\\n"')).toBe(
      '"private_key": "[REDACTED]"',
    );
  });
});

describe('npm run worker with both ways or neither', () => {
  const data = tempDir('shopify-credentials-');
  afterAll(() => data.cleanup());

  it.each([
    ['both', { SHOPIFY_CLIENT_ID: 'f1e2d3c4b5a6', SHOPIFY_CLIENT_SECRET: 'worker-secret-51ab9c' }],
    ['neither', { SHOPIFY_API_TOKEN: undefined }],
  ])('%s: exit 2 at once, naming the two ways, never echoing a secret', async (_name, changes) => {
    const env: Record<string, string> = {
      ...processEnv({
        storeUrl: 'http://127.0.0.1:9',
        dataDir: data.dir,
        temporalAddress: '127.0.0.1:9',
        taskQueue: 'x',
      }),
    };
    for (const [name, setting] of Object.entries(changes)) {
      if (setting === undefined) delete env[name];
      else env[name] = setting;
    }
    const worker = spawnTs('worker/index.ts', [], env);
    const timer = setTimeout(() => worker.child.kill('SIGKILL'), 20_000);
    expect(await worker.exited).toBe(2);
    clearTimeout(timer);
    const output = worker.output();
    expect(output).toMatch(/Configuration error: /);
    expect(output).toMatch(/SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET of a Dev Dashboard app/);
    expect(output).toMatch(/or SHOPIFY_API_TOKEN, the Admin API access token/);
    expect(output).not.toContain('worker-secret-51ab9c');
    expect(output).not.toContain('shpat_demo_token');
  });
});
