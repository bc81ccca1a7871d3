import { SPREADSHEET_ID, SPREADSHEET_PATH, startEmulator, valuesPath, type Harness } from './test-harness';

let h: Harness;
beforeEach(async () => {
  h = await startEmulator();
});
afterEach(() => h.emulator.close());

const invalid = (message: string) => ({ error: { code: 400, message, status: 'INVALID_ARGUMENT' } });
const put = (range: string, values: unknown[][], option = 'RAW') =>
  h.call('PUT', valuesPath(range, '', `?valueInputOption=${option}`), { majorDimension: 'ROWS', values });
const addSheet = (title: string, rowCount = 1000, columnCount = 26) =>
  h.call('POST', `${SPREADSHEET_PATH}:batchUpdate`, {
    requests: [{ addSheet: { properties: { title, gridProperties: { rowCount, columnCount } } } }],
  });

describe('values.update', () => {
  it('writes a block and reports what it updated', async () => {
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

  it('stores RAW strings as they are', async () => {
    await put('Sheet1!A1', [['=1+1', '42', 'TRUE', "'007", '1,234.5']], 'RAW');
    expect(h.emulator.values(SPREADSHEET_ID, 'Sheet1')).toEqual([['=1+1', '42', 'TRUE', "'007", '1,234.5']]);
    expect(h.emulator.formulas(SPREADSHEET_ID, 'Sheet1')).toBe(0);
  });

  it('parses USER_ENTERED strings like typed input', async () => {
    await put('Sheet1!A1', [['=1+1', '42', 'TRUE', "'007", '1,234.5', '50%', 'plain', 3]], 'USER_ENTERED');
    expect(h.emulator.values(SPREADSHEET_ID, 'Sheet1')).toEqual([['=1+1', 42, true, '007', 1234.5, 0.5, 'plain', 3]]);
    expect(h.emulator.formulas(SPREADSHEET_ID, 'Sheet1')).toBe(1);
  });

  it('skips nulls and clears cells written as empty strings', async () => {
    await put('Sheet1!A1', [['a', 'b', 'c']]);
    await put('Sheet1!A1', [[null, '', 'C']]);
    expect(h.emulator.values(SPREADSHEET_ID, 'Sheet1')).toEqual([['a', '', 'C']]);
  });

  it('requires valueInputOption', async () => {
    const res = await h.call('PUT', valuesPath('Sheet1!A1'), { values: [['x']] });
    expect(res).toEqual({ status: 400, body: invalid("'valueInputOption' is required but not specified") });
  });

  it('refuses a write past the grid, naming the first cell outside it', async () => {
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

  it('refuses a range that itself lies past the grid', async () => {
    const res = await put('Sheet1!A1001:B1001', [['x']]);
    expect(res.body).toEqual(
      invalid('Range (Sheet1!A1001:B1001) exceeds grid limits. Max rows: 1000, max columns: 26'),
    );
  });

  it('refuses more values than the range holds', async () => {
    const rows = await put('Sheet1!A1:B2', [['a'], ['b'], ['c']]);
    expect(rows.body).toEqual(invalid('Requested writing within range [Sheet1!A1:B2], but tried writing to row [3]'));
    const cols = await put('Sheet1!A1:B2', [['a', 'b', 'c']]);
    expect(cols.body).toEqual(
      invalid('Requested writing within range [Sheet1!A1:B2], but tried writing to column [C]'),
    );
  });

  it('refuses an unknown sheet', async () => {
    expect((await put('Foo!A1', [['x']])).body).toEqual(invalid('Unable to parse range: Foo!A1'));
  });

  it('writes columns with majorDimension COLUMNS', async () => {
    await h.call('PUT', valuesPath('Sheet1!A1', '', '?valueInputOption=RAW'), {
      majorDimension: 'COLUMNS',
      values: [['a1', 'a2'], ['b1']],
    });
    expect(h.emulator.values(SPREADSHEET_ID, 'Sheet1')).toEqual([['a1', 'b1'], ['a2']]);
  });

  it('refuses a cell over 50,000 characters', async () => {
    const res = await put('Sheet1!A1', [['x'.repeat(50_001)]]);
    expect(res.body).toEqual(
      invalid('Your input contains more than the maximum of 50000 characters in a single cell.'),
    );
  });
});

describe('A1 ranges', () => {
  it('reads quoted names with doubled quotes, and columns past Z', async () => {
    await addSheet("It's", 5, 30);
    const res = await put("'It''s'!AA1:AB2", [
      [1, 2],
      [3, 4],
    ]);
    expect(res.body.updatedRange).toBe("'It''s'!AA1:AB2");
    const row = (a: number, b: number) => [...Array<string>(26).fill(''), a, b];
    expect(h.emulator.values(SPREADSHEET_ID, "It's")).toEqual([row(1, 2), row(3, 4)]);
  });

  it('takes a bare sheet name as the whole sheet and bare cells as the first sheet', async () => {
    await put('B1', [['first sheet']]);
    await addSheet('Orders');
    await put('Orders', [['whole sheet']]);
    expect(h.emulator.values(SPREADSHEET_ID, 'Sheet1')).toEqual([['', 'first sheet']]);
    expect(h.emulator.values(SPREADSHEET_ID, 'Orders')).toEqual([['whole sheet']]);
  });
});

describe('values.batchUpdate', () => {
  it('writes every range and totals the counts', async () => {
    await addSheet('Orders');
    const res = await h.call('POST', `${SPREADSHEET_PATH}/values:batchUpdate`, {
      valueInputOption: 'RAW',
      data: [
        { range: 'Sheet1!A1', values: [['a', 'b']] },
        { range: "'Orders'!A1:A2", majorDimension: 'ROWS', values: [['x'], ['y']] },
      ],
    });
    expect(res.body).toEqual({
      spreadsheetId: SPREADSHEET_ID,
      totalUpdatedRows: 3,
      totalUpdatedColumns: 3,
      totalUpdatedCells: 4,
      totalUpdatedSheets: 2,
      responses: [
        {
          spreadsheetId: SPREADSHEET_ID,
          updatedRange: 'Sheet1!A1:B1',
          updatedRows: 1,
          updatedColumns: 2,
          updatedCells: 2,
        },
        {
          spreadsheetId: SPREADSHEET_ID,
          updatedRange: 'Orders!A1:A2',
          updatedRows: 2,
          updatedColumns: 1,
          updatedCells: 2,
        },
      ],
    });
  });

  it('applies nothing when one range fails', async () => {
    const res = await h.call('POST', `${SPREADSHEET_PATH}/values:batchUpdate`, {
      valueInputOption: 'RAW',
      data: [
        { range: 'Sheet1!A1', values: [['a']] },
        { range: 'Nope!A1', values: [['b']] },
      ],
    });
    expect(res).toEqual({ status: 400, body: invalid('Invalid data[1]: Unable to parse range: Nope!A1') });
    expect(h.emulator.values(SPREADSHEET_ID, 'Sheet1')).toEqual([]);
    expect(h.emulator.history).toEqual([]);
  });

  it('requires valueInputOption', async () => {
    const res = await h.call('POST', `${SPREADSHEET_PATH}/values:batchUpdate`, { data: [] });
    expect(res.body).toEqual(invalid("'valueInputOption' is required but not specified"));
  });
});

describe('clear', () => {
  beforeEach(async () => {
    await put('Sheet1!A1', [
      ['a1', 'b1', 'c1'],
      ['a2', 'b2', 'c2'],
    ]);
  });

  it('clears a range, keeping the grid', async () => {
    const res = await h.call('POST', valuesPath('Sheet1!B1:B2', ':clear'), {});
    expect(res.body).toEqual({ spreadsheetId: SPREADSHEET_ID, clearedRange: 'Sheet1!B1:B2' });
    expect(h.emulator.values(SPREADSHEET_ID, 'Sheet1')).toEqual([
      ['a1', '', 'c1'],
      ['a2', '', 'c2'],
    ]);
    expect(h.emulator.grid(SPREADSHEET_ID, 'Sheet1')).toEqual({ rowCount: 1000, columnCount: 26 });
  });

  it('clears whole sheets and several ranges with batchClear', async () => {
    await addSheet('Orders');
    await put('Orders!A1', [['x']]);
    const res = await h.call('POST', `${SPREADSHEET_PATH}/values:batchClear`, { ranges: ['Sheet1', "'Orders'!A:A"] });
    expect(res.body).toEqual({ spreadsheetId: SPREADSHEET_ID, clearedRanges: ['Sheet1!A1:Z1000', 'Orders!A1:A1000'] });
    expect(h.emulator.values(SPREADSHEET_ID, 'Sheet1')).toEqual([]);
    expect(h.emulator.values(SPREADSHEET_ID, 'Orders')).toEqual([]);
  });
});

describe('values.get', () => {
  it('returns the range clamped to the grid with trailing empties trimmed', async () => {
    await put('Sheet1!A1', [['a', 1, true, '']], 'RAW');
    await put('Sheet1!A3', [['=A1']], 'USER_ENTERED');
    const formatted = await h.call('GET', valuesPath('Sheet1'));
    expect(formatted.body).toEqual({
      range: 'Sheet1!A1:Z1000',
      majorDimension: 'ROWS',
      values: [['a', '1', 'TRUE'], [], ['=A1']],
    });
    const typed = await h.call('GET', valuesPath('Sheet1!A1:C1', '', '?valueRenderOption=UNFORMATTED_VALUE'));
    expect(typed.body.values).toEqual([['a', 1, true]]);
    const columns = await h.call('GET', valuesPath('Sheet1!A1:B3', '', '?majorDimension=COLUMNS'));
    expect(columns.body.values).toEqual([['a', '', '=A1'], ['1']]);
  });

  it('leaves out values for an empty range, and batchGets several', async () => {
    expect((await h.call('GET', valuesPath('Sheet1!C3:D4'))).body).toEqual({
      range: 'Sheet1!C3:D4',
      majorDimension: 'ROWS',
    });
    await put('Sheet1!A1', [['x']]);
    const res = await h.call(
      'GET',
      `${SPREADSHEET_PATH}/values:batchGet?ranges=Sheet1!A1&ranges=${encodeURIComponent("'Sheet1'!B1")}`,
    );
    expect(res.body).toEqual({
      spreadsheetId: SPREADSHEET_ID,
      valueRanges: [
        { range: 'Sheet1!A1', majorDimension: 'ROWS', values: [['x']] },
        { range: 'Sheet1!B1', majorDimension: 'ROWS' },
      ],
    });
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

    const cleared = await h.call('POST', valuesPath('Orders', ':clear'));
    expect(cleared.body.clearedRange).toBe('Orders!A1:T100000');
    expect(h.emulator.values(SPREADSHEET_ID, 'Orders')).toEqual([]);
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 40_000);
});
