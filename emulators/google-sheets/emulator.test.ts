import { createSheetsEmulator } from './emulator';
import { generateServiceAccountKeys, signServiceAccountJwt } from './jwt';
import {
  EDITOR,
  editorKeys,
  OUTSIDER,
  SPREADSHEET_ID,
  SPREADSHEET_PATH,
  startEmulator,
  valuesPath,
  type Harness,
} from './test-harness';

let h: Harness;
afterEach(() => h.emulator.close());

describe('authentication', () => {
  beforeEach(async () => {
    h = await startEmulator();
  });

  const unauthenticated = {
    error: {
      code: 401,
      message: expect.stringContaining(
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid ' +
          'authentication credential.',
      ),
      status: 'UNAUTHENTICATED',
    },
  };

  it('refuses a request without credentials', async () => {
    const res = await h.call('GET', SPREADSHEET_PATH, undefined, null);
    expect(res).toEqual({ status: 401, body: unauthenticated });
  });

  it('refuses a token signed with a key other than the registered one', async () => {
    const stranger = generateServiceAccountKeys();
    const res = await h.call('GET', SPREADSHEET_PATH, undefined, signServiceAccountJwt(stranger.privateKey, EDITOR));
    expect(res).toEqual({ status: 401, body: unauthenticated });
  });

  it('refuses a tampered token', async () => {
    const [header, , signature] = h.token().split('.');
    const claims = { iss: OUTSIDER, sub: OUTSIDER, aud: 'https://sheets.googleapis.com/', iat: 1, exp: 2 };
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    expect((await h.call('GET', SPREADSHEET_PATH, undefined, forged)).status).toBe(401);
  });

  it('refuses an expired token but tolerates five minutes of clock skew', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = h.token({ iat: now - 3900, exp: now - 301 });
    expect(await h.call('GET', SPREADSHEET_PATH, undefined, expired)).toEqual({ status: 401, body: unauthenticated });
    const justExpired = h.token({ iat: now - 3700, exp: now - 100 });
    expect((await h.call('GET', SPREADSHEET_PATH, undefined, justExpired)).status).toBe(200);
  });

  it('refuses a token living longer than an hour, or for another audience', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await h.call('GET', SPREADSHEET_PATH, undefined, h.token({ iat: now, exp: now + 7200 }))).status).toBe(401);
    const otherAudience = signServiceAccountJwt(editorKeys.privateKey, EDITOR, 'https://drive.googleapis.com/');
    expect((await h.call('GET', SPREADSHEET_PATH, undefined, otherAudience)).status).toBe(401);
  });

  it('accepts a scope claim instead of aud, and honours read-only scopes', async () => {
    const full = h.token({ scope: 'https://www.googleapis.com/auth/spreadsheets', kid: 'key-1' });
    expect((await h.call('GET', SPREADSHEET_PATH, undefined, full)).status).toBe(200);

    const readOnly = h.token({ scope: 'https://www.googleapis.com/auth/spreadsheets.readonly' });
    expect((await h.call('GET', SPREADSHEET_PATH, undefined, readOnly)).status).toBe(200);
    const write = await h.call(
      'PUT',
      valuesPath('Sheet1!A1', '', '?valueInputOption=RAW'),
      { values: [[1]] },
      readOnly,
    );
    expect(write).toEqual({
      status: 403,
      body: {
        error: { code: 403, message: 'Request had insufficient authentication scopes.', status: 'PERMISSION_DENIED' },
      },
    });
  });

  it('answers 403 to a known account that is not an editor of the spreadsheet', async () => {
    const res = await h.call('GET', SPREADSHEET_PATH, undefined, h.token({}, OUTSIDER));
    expect(res).toEqual({
      status: 403,
      body: { error: { code: 403, message: 'The caller does not have permission', status: 'PERMISSION_DENIED' } },
    });
  });

  it('answers 404 for an unknown spreadsheet', async () => {
    const res = await h.call('GET', 'v4/spreadsheets/nope');
    expect(res).toEqual({
      status: 404,
      body: { error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' } },
    });
  });
});

describe('spreadsheets.get', () => {
  beforeEach(async () => {
    h = await startEmulator();
  });

  it('describes a new spreadsheet with the default 1000 × 26 Sheet1', async () => {
    const res = await h.call('GET', `${SPREADSHEET_PATH}?includeGridData=false&alt=json&prettyPrint=false`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      spreadsheetId: SPREADSHEET_ID,
      properties: { title: 'Shop export', locale: 'en_US', autoRecalc: 'ON_CHANGE', timeZone: 'Etc/GMT' },
      sheets: [
        {
          properties: {
            sheetId: 0,
            title: 'Sheet1',
            index: 0,
            sheetType: 'GRID',
            gridProperties: { rowCount: 1000, columnCount: 26 },
          },
        },
      ],
      spreadsheetUrl: `https://docs.google.com/spreadsheets/d/${SPREADSHEET_ID}/edit`,
    });
  });

  it('returns only the requested fields, given as dotted paths', async () => {
    const res = await h.call('GET', `${SPREADSHEET_PATH}?fields=spreadsheetId,sheets.properties.gridProperties`);
    expect(res.body).toEqual({
      spreadsheetId: SPREADSHEET_ID,
      sheets: [{ properties: { gridProperties: { rowCount: 1000, columnCount: 26 } } }],
    });
    const push = await h.call('GET', `${SPREADSHEET_PATH}?fields=sheets.properties`);
    expect(push.body.sheets[0].properties).toMatchObject({ sheetId: 0, title: 'Sheet1', index: 0 });
    expect((await h.call('GET', `${SPREADSHEET_PATH}?fields=sheets..title`)).status).toBe(400);
  });

  it('answers grid data, ranges and the (…) field form as not emulated', async () => {
    const grid = await h.call('GET', `${SPREADSHEET_PATH}?includeGridData=true`);
    expect(grid).toEqual({
      status: 501,
      body: {
        error: {
          code: 501,
          message:
            'spreadsheets.get with includeGridData=true is not emulated by the Sheets emulator ' +
            '(see emulators/google-sheets/README.md for what is).',
          status: 'UNIMPLEMENTED',
        },
      },
    });
    expect((await h.call('GET', `${SPREADSHEET_PATH}?ranges=Sheet1!A1`)).status).toBe(501);
    expect((await h.call('GET', `${SPREADSHEET_PATH}?fields=sheets(properties(title))`)).status).toBe(501);
  });
});

describe('faults', () => {
  it('fails the first matching request with 429 and lets the retry through', async () => {
    h = await startEmulator({ faults: [{ status: 429, method: 'PUT', times: 1 }] });
    const path = valuesPath('Sheet1!A1', '', '?valueInputOption=RAW');

    const first = await h.call('PUT', path, { values: [['a']] });
    expect(first.status).toBe(429);
    expect(first.body.error).toMatchObject({
      code: 429,
      status: 'RESOURCE_EXHAUSTED',
      message:
        "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per user' of service " +
        "'sheets.googleapis.com' for consumer 'project_number:0'.",
    });
    expect(h.emulator.values(SPREADSHEET_ID, 'Sheet1')).toEqual([]);

    expect((await h.call('PUT', path, { values: [['a']] })).status).toBe(200);
    expect(h.emulator.values(SPREADSHEET_ID, 'Sheet1')).toEqual([['a']]);
    expect(h.emulator.requestLog.map(({ seq, method, status, fault }) => ({ seq, method, status, fault }))).toEqual([
      { seq: 1, method: 'PUT', status: 429, fault: true },
      { seq: 2, method: 'PUT', status: 200, fault: undefined },
    ]);
    expect(h.emulator.requestLog[0].path).toBe(`/v4/spreadsheets/${SPREADSHEET_ID}/values/Sheet1!A1`);
    expect(h.emulator.requestLog[0].bytes).toBe(JSON.stringify({ values: [['a']] }).length);
  });

  it('fails only the nth matching request, and every one from `from` on', async () => {
    h = await startEmulator();
    h.emulator.setFaults([
      { status: 503, pathIncludes: ':batchUpdate', nth: 2 },
      { status: 500, method: 'GET', from: 3, times: 2 },
    ]);
    const batch = { requests: [{ addSheet: {} }] };
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1)
      statuses.push((await h.call('POST', `${SPREADSHEET_PATH}:batchUpdate`, batch)).status);
    for (let i = 0; i < 5; i += 1) statuses.push((await h.call('GET', SPREADSHEET_PATH)).status);
    expect(statuses).toEqual([200, 503, 200, 200, 200, 500, 500, 200]);
    expect(h.emulator.sheetTitles(SPREADSHEET_ID)).toEqual(['Sheet1', 'Sheet2', 'Sheet3']);

    const unavailable = await (async () => {
      h.emulator.setFaults([{ status: 503 }]);
      return h.call('GET', SPREADSHEET_PATH);
    })();
    expect(unavailable.body).toEqual({
      error: { code: 503, message: 'The service is currently unavailable.', status: 'UNAVAILABLE' },
    });
  });
});

describe('history', () => {
  it('records the row counts a reader could see after each successful change', async () => {
    h = await startEmulator();
    const put = (range: string, values: unknown[][]) =>
      h.call('PUT', valuesPath(range, '', '?valueInputOption=RAW'), { values });
    await h.call('POST', `${SPREADSHEET_PATH}:batchUpdate`, {
      requests: [{ addSheet: { properties: { title: 'Orders' } } }],
    });
    await put('Orders!A1', [['id'], [1], [2]]);
    await put('Nope!A1', [['x']]);
    await h.call('POST', `${SPREADSHEET_PATH}:batchUpdate`, { requests: [{ deleteSheet: { sheetId: 0 } }] });
    expect(h.emulator.history).toEqual([{ Sheet1: 0, Orders: 0 }, { Sheet1: 0, Orders: 3 }, { Orders: 3 }]);
    expect(h.emulator.historyOf(SPREADSHEET_ID)).toHaveLength(3);
    expect(h.emulator.historyOf('other')).toEqual([]);
  });
});

describe('server', () => {
  it('answers other paths with 404, other spreadsheet methods with 501, bad JSON with 400', async () => {
    h = await startEmulator();
    expect((await h.call('GET', 'v4/other')).body).toEqual({
      error: { code: 404, message: 'Method not found.', status: 'NOT_FOUND' },
    });
    const del = await h.call('DELETE', SPREADSHEET_PATH);
    expect(del.status).toBe(501);
    expect(del.body.error.message).toMatch(/^DELETE \/v4\/spreadsheets\/sheet-abc is not emulated/);
    const res = await fetch(new URL(`${SPREADSHEET_PATH}:batchUpdate`, h.base), {
      method: 'POST',
      headers: { Authorization: `Bearer ${h.token()}`, 'Content-Type': 'application/json' },
      body: '{"requests": [',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT' } });
  });

  it('accepts a 2 MB body and refuses one over 10 MB with 413', async () => {
    h = await startEmulator();
    await h.call('POST', `${SPREADSHEET_PATH}:batchUpdate`, {
      requests: [
        { addSheet: { properties: { title: 'Orders', gridProperties: { rowCount: 60000, columnCount: 3 } } } },
      ],
    });
    const rows = (n: number) => Array.from({ length: n }, (_, i) => [`order-${i}`, 'x'.repeat(20), i]);
    const path = valuesPath('Orders!A1', '', '?valueInputOption=RAW');
    const twoMb = { values: rows(50000) };
    expect(JSON.stringify(twoMb).length).toBeGreaterThan(2_000_000);
    expect((await h.call('PUT', path, twoMb)).status).toBe(200);
    const huge = { values: [['y'.repeat(11 * 1024 * 1024)]] };
    expect((await h.call('PUT', path, huge)).status).toBe(413);
  });

  it('reports its URL with a trailing slash and refuses it before listen()', async () => {
    const emulator = createSheetsEmulator({ serviceAccounts: {}, spreadsheets: [] });
    expect(() => emulator.url).toThrow(/listen/);
    const url = await emulator.listen(0, '127.0.0.1');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(emulator.url).toBe(url);
    await emulator.close();
    h = await startEmulator();
  });
});
