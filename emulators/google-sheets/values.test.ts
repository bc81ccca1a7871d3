import { SPREADSHEET_ID, SPREADSHEET_PATH, startEmulator, valuesPath, type Harness } from './test-harness';

let h: Harness;
beforeEach(async () => {
  h = await startEmulator();
});
afterEach(() => h.emulator.close());

const invalid = (message: string) => ({ error: { code: 400, message, status: 'INVALID_ARGUMENT' } });
const notEmulated = (what: string) => ({
  error: {
    code: 501,
    message: `${what} is not emulated by the Sheets emulator (see emulators/google-sheets/README.md for what is).`,
    status: 'UNIMPLEMENTED',
  },
});
const put = (range: string, values: unknown[][], option = 'RAW') =>
  h.call('PUT', valuesPath(range, '', `?valueInputOption=${option}`), { majorDimension: 'ROWS', values });
const addSheet = (title: string, rowCount = 1000, columnCount = 26) =>
  h.call('POST', `${SPREADSHEET_PATH}:batchUpdate`, {
    requests: [{ addSheet: { properties: { title, gridProperties: { rowCount, columnCount } } } }],
  });

describe('values.update', () => {
  it('writes a block from the anchor and reports what it updated', async () => {
    const res = await put('Sheet1!B2', [
      ['id', 'total'],
      [1, 9.5],
    ]);
    expect(res).toEqual({
      status: 200,
      body: {
        spreadsheetId: SPREADSHEET_ID,
        updatedRange: 'Sheet1!B2:C3',
        updatedRows: 2,
        updatedColumns: 2,
        updatedCells: 4,
      },
    });
    expect(h.emulator.values(SPREADSHEET_ID, 'Sheet1')).toEqual([[], ['', 'id', 'total'], ['', 1, 9.5]]);
  });

  it('stores RAW strings as they are: formula-like text stays text', async () => {
    await put('Sheet1!A1', [['=1+1', '42', 'TRUE', "'007", '1,234.5', true, 3]]);
    expect(h.emulator.values(SPREADSHEET_ID, 'Sheet1')).toEqual([['=1+1', '42', 'TRUE', "'007", '1,234.5', true, 3]]);
  });

  it('skips nulls and clears cells written as empty strings', async () => {
    await put('Sheet1!A1', [['a', 'b', 'c']]);
    await put('Sheet1!A1', [[null, '', 'C']]);
    expect(h.emulator.values(SPREADSHEET_ID, 'Sheet1')).toEqual([['a', '', 'C']]);
  });

  it('requires valueInputOption, and answers USER_ENTERED as not emulated rather than storing it', async () => {
    const missing = await h.call('PUT', valuesPath('Sheet1!A1'), { values: [['x']] });
    expect(missing).toEqual({ status: 400, body: invalid("'valueInputOption' is required but not specified") });
    const userEntered = await put('Sheet1!A1', [['=1+1']], 'USER_ENTERED');
    expect(userEntered).toEqual({ status: 501, body: notEmulated('valueInputOption USER_ENTERED (only RAW is)') });
    expect((await put('Sheet1!A1', [['x']], 'BOGUS')).status).toBe(400);
    expect(h.emulator.values(SPREADSHEET_ID, 'Sheet1')).toEqual([]);
  });

  it('refuses a write past the grid, naming the first cell outside it, and writes nothing', async () => {
    await addSheet('Orders', 1016);
    const rows = Array.from({ length: 1017 }, (_, i) => [i, 'x']);
    const res = await put("'Orders'!A1", rows);
    expect(res).toEqual({
      status: 400,
      body: invalid('Range (Orders!A1017) exceeds grid limits. Max rows: 1016, max columns: 26'),
    });
    expect(h.emulator.values(SPREADSHEET_ID, 'Orders')).toEqual([]);

    await addSheet('Big Orders', 10, 26);
    const wide = await put("'Big Orders'!B2", [Array.from({ length: 26 }, (_, i) => i)]);
    expect(wide.body).toEqual(invalid("Range ('Big Orders'!AA2) exceeds grid limits. Max rows: 10, max columns: 26"));
  });

  it('refuses an anchor that itself lies past the grid', async () => {
    const res = await put('Sheet1!A1001', [['x']]);
    expect(res.body).toEqual(invalid('Range (Sheet1!A1001) exceeds grid limits. Max rows: 1000, max columns: 26'));
  });

  it('refuses an unknown sheet', async () => {
    expect((await put('Foo!A1', [['x']])).body).toEqual(invalid('Unable to parse range: Foo!A1'));
  });

  it('reads quoted names with doubled quotes, and columns past Z', async () => {
    await addSheet("It's (updating)", 5, 30);
    const res = await put("'It''s (updating)'!AA1", [
      [1, 2],
      [3, 4],
    ]);
    expect(res.body.updatedRange).toBe("'It''s (updating)'!AA1:AB2");
    const row = (a: number, b: number) => [...Array<string>(26).fill(''), a, b];
    expect(h.emulator.values(SPREADSHEET_ID, "It's (updating)")).toEqual([row(1, 2), row(3, 4)]);
  });

  it('accepts the same cell repeated in the body, and refuses another one', async () => {
    const same = await h.call('PUT', valuesPath('Sheet1!A1', '', '?valueInputOption=RAW'), {
      range: "'Sheet1'!A1",
      values: [['x']],
    });
    expect(same.status).toBe(200);
    const other = await h.call('PUT', valuesPath('Sheet1!A1', '', '?valueInputOption=RAW'), {
      range: 'Sheet1!B1',
      values: [['x']],
    });
    expect(other.body).toEqual(
      invalid('Requested range [Sheet1!A1] does not match the range in the request body [Sheet1!B1].'),
    );
  });

  it('refuses a cell over 50,000 characters', async () => {
    const res = await put('Sheet1!A1', [['x'.repeat(50_001)]]);
    expect(res.body).toEqual(
      invalid('Your input contains more than the maximum of 50000 characters in a single cell.'),
    );
  });

  it('answers ranges, dimensions and options the push never sends as not emulated', async () => {
    expect((await put('Sheet1!A1:B2', [['x']])).body).toEqual(
      notEmulated("The range Sheet1!A1:B2 (only a single-cell anchor such as 'Sheet'!A1 is)"),
    );
    expect((await put('Sheet1', [['x']])).status).toBe(501);
    const columns = await h.call('PUT', valuesPath('Sheet1!A1', '', '?valueInputOption=RAW'), {
      majorDimension: 'COLUMNS',
      values: [['a1', 'a2']],
    });
    expect(columns.body).toEqual(notEmulated('values.update with majorDimension COLUMNS'));
    const echo = await h.call(
      'PUT',
      valuesPath('Sheet1!A1', '', '?valueInputOption=RAW&includeValuesInResponse=true'),
      {
        values: [['x']],
      },
    );
    expect(echo.body).toEqual(notEmulated('values.update with includeValuesInResponse'));
    expect(h.emulator.values(SPREADSHEET_ID, 'Sheet1')).toEqual([]);
  });
});

describe('values methods the push never calls', () => {
  it('are answered 501 as not emulated, never as a success or a 404', async () => {
    const calls: Array<[string, string]> = [
      ['GET', valuesPath('Sheet1!A1')],
      ['POST', valuesPath('Sheet1!A1', ':append', '?valueInputOption=RAW')],
      ['POST', valuesPath('Sheet1', ':clear')],
      ['GET', `${SPREADSHEET_PATH}/values:batchGet?ranges=Sheet1`],
      ['POST', `${SPREADSHEET_PATH}/values:batchUpdate`],
      ['POST', `${SPREADSHEET_PATH}/values:batchClear`],
    ];
    for (const [method, path] of calls) {
      const res = await h.call(method, path, method === 'POST' ? { values: [['x']] } : undefined);
      expect(res.status).toBe(501);
      expect(res.body.error.message).toMatch(/^(GET|POST) \/v4\/spreadsheets\/sheet-abc\S* is not emulated/);
    }
    expect(h.emulator.history).toEqual([]);
  });
});

describe('large sheets', () => {
  it('holds 100,000 rows × 20 columns written in chunks under the body limit', async () => {
    await addSheet('Orders', 100_000, 20);
    const started = Date.now();
    for (let first = 0; first < 100_000; first += 25_000) {
      const rows = Array.from({ length: 25_000 }, (_, r) => Array.from({ length: 20 }, (_, c) => `r${first + r}c${c}`));
      const res = await put(`Orders!A${first + 1}`, rows);
      expect(res.body.updatedCells).toBe(500_000);
    }
    const values = h.emulator.values(SPREADSHEET_ID, 'Orders');
    expect(values).toHaveLength(100_000);
    expect(values[99_999][19]).toBe('r99999c19');
    expect(h.emulator.history.map((snapshot) => snapshot.Orders)).toEqual([0, 25_000, 50_000, 75_000, 100_000]);
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 40_000);
});
