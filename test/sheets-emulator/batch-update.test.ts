import { SPREADSHEET_ID, SPREADSHEET_PATH, startEmulator, valuesPath, type Harness } from './test-harness';

let h: Harness;
beforeEach(async () => {
  h = await startEmulator();
});
afterEach(() => h.emulator.close());

const batchUpdate = (requests: unknown[], extra: object = {}) =>
  h.call('POST', `${SPREADSHEET_PATH}:batchUpdate`, { requests, ...extra });
const invalid = (message: string) => ({ error: { code: 400, message, status: 'INVALID_ARGUMENT' } });
const put = (range: string, values: unknown[][]) =>
  h.call('PUT', valuesPath(range, '', '?valueInputOption=RAW'), { values });

describe('addSheet', () => {
  it('adds a sheet and replies with its properties', async () => {
    const res = await batchUpdate([
      { addSheet: { properties: { title: 'Orders', gridProperties: { rowCount: 1016, columnCount: 12 } } } },
    ]);
    expect(res.status).toBe(200);
    const properties = res.body.replies[0].addSheet.properties;
    expect(properties).toEqual({
      sheetId: expect.any(Number),
      title: 'Orders',
      index: 1,
      sheetType: 'GRID',
      gridProperties: { rowCount: 1016, columnCount: 12 },
    });
    expect(res.body.spreadsheetId).toBe(SPREADSHEET_ID);
    expect(h.emulator.sheetTitles(SPREADSHEET_ID)).toEqual(['Sheet1', 'Orders']);
    expect(h.emulator.grid(SPREADSHEET_ID, 'Orders')).toEqual({ rowCount: 1016, columnCount: 12 });
  });

  it('uses the default grid, a default title and the requested index and sheetId', async () => {
    const res = await batchUpdate([
      { addSheet: {} },
      { addSheet: { properties: { title: 'First', index: 0, sheetId: 42 } } },
    ]);
    expect(res.body.replies[0].addSheet.properties).toMatchObject({
      title: 'Sheet2',
      gridProperties: { rowCount: 1000, columnCount: 26 },
    });
    expect(res.body.replies[1].addSheet.properties).toMatchObject({ title: 'First', index: 0, sheetId: 42 });
    expect(h.emulator.sheetTitles(SPREADSHEET_ID)).toEqual(['First', 'Sheet1', 'Sheet2']);
  });

  it('refuses a duplicate title, whatever its case', async () => {
    await batchUpdate([{ addSheet: { properties: { title: 'Orders' } } }]);
    const res = await batchUpdate([{ addSheet: { properties: { title: 'ORDERS' } } }]);
    expect(res).toEqual({
      status: 400,
      body: invalid(
        'Invalid requests[0].addSheet: A sheet with the name "ORDERS" already exists. Please enter another name.',
      ),
    });
  });

  it('can return the updated spreadsheet', async () => {
    const res = await batchUpdate([{ addSheet: { properties: { title: 'X' } } }], {
      includeSpreadsheetInResponse: true,
    });
    expect(
      res.body.updatedSpreadsheet.sheets.map((s: { properties: { title: string } }) => s.properties.title),
    ).toEqual(['Sheet1', 'X']);
  });
});

describe('deleteSheet', () => {
  it('deletes a sheet but never the last one', async () => {
    const added = await batchUpdate([{ addSheet: { properties: { title: 'Orders' } } }]);
    const ordersId = added.body.replies[0].addSheet.properties.sheetId;
    expect((await batchUpdate([{ deleteSheet: { sheetId: 0 } }])).body.replies).toEqual([{}]);
    expect(h.emulator.sheetTitles(SPREADSHEET_ID)).toEqual(['Orders']);
    expect(await batchUpdate([{ deleteSheet: { sheetId: ordersId } }])).toEqual({
      status: 400,
      body: invalid("Invalid requests[0].deleteSheet: You can't remove all the sheets in a document."),
    });
    expect(await batchUpdate([{ deleteSheet: { sheetId: 7 } }])).toEqual({
      status: 400,
      body: invalid('Invalid requests[0].deleteSheet: No sheet with id: 7'),
    });
  });
});

describe('updateSheetProperties', () => {
  const update = (properties: object, fields: string) =>
    batchUpdate([{ updateSheetProperties: { properties, fields } }]);

  it('renames a sheet, refusing an existing title', async () => {
    await batchUpdate([{ addSheet: { properties: { title: 'Orders' } } }]);
    expect((await update({ sheetId: 0, title: 'Orders (new)' }, 'title')).status).toBe(200);
    expect(h.emulator.sheetTitles(SPREADSHEET_ID)).toEqual(['Orders (new)', 'Orders']);
    expect(await update({ sheetId: 0, title: 'orders' }, 'title')).toEqual({
      status: 400,
      body: invalid(
        'Invalid requests[0].updateSheetProperties: A sheet with the name "orders" already exists. Please enter another name.',
      ),
    });
  });

  it('applies only the fields listed', async () => {
    await update(
      { sheetId: 0, title: 'Ignored', gridProperties: { rowCount: 5, columnCount: 3 } },
      'gridProperties.rowCount',
    );
    expect(h.emulator.sheetTitles(SPREADSHEET_ID)).toEqual(['Sheet1']);
    expect(h.emulator.grid(SPREADSHEET_ID, 'Sheet1')).toEqual({ rowCount: 5, columnCount: 26 });
    await update({ sheetId: 0, gridProperties: { rowCount: 7, columnCount: 4, frozenRowCount: 1 } }, 'gridProperties');
    expect(h.emulator.grid(SPREADSHEET_ID, 'Sheet1')).toEqual({ rowCount: 7, columnCount: 4 });
    const res = await h.call('GET', `${SPREADSHEET_PATH}?fields=sheets.properties.gridProperties`);
    expect(res.body.sheets[0].properties.gridProperties).toEqual({ rowCount: 7, columnCount: 4, frozenRowCount: 1 });
  });

  it('treats a selected field missing from properties as its default, as a FieldMask does', async () => {
    const res = await update({ sheetId: 0, gridProperties: { rowCount: 10 } }, 'gridProperties(rowCount,columnCount)');
    expect(res).toEqual({
      status: 400,
      body: invalid("Invalid requests[0].updateSheetProperties: You can't delete all the columns on the sheet."),
    });
  });

  it('truncates the values outside a smaller grid', async () => {
    await put('Sheet1!A1', [
      ['a1', 'b1', 'c1'],
      ['a2', 'b2', 'c2'],
      ['a3', 'b3', 'c3'],
    ]);
    await update(
      { sheetId: 0, gridProperties: { rowCount: 2, columnCount: 2 } },
      'gridProperties.rowCount,gridProperties.columnCount',
    );
    await update(
      { sheetId: 0, gridProperties: { rowCount: 10, columnCount: 10 } },
      'gridProperties.rowCount,gridProperties.columnCount',
    );
    expect(h.emulator.values(SPREADSHEET_ID, 'Sheet1')).toEqual([
      ['a1', 'b1'],
      ['a2', 'b2'],
    ]);
  });

  it('moves a sheet, counting the index before the move', async () => {
    await batchUpdate([
      { addSheet: { properties: { title: 'B', sheetId: 1 } } },
      { addSheet: { properties: { title: 'C' } } },
    ]);
    await update({ sheetId: 0, index: 2 }, 'index');
    expect(h.emulator.sheetTitles(SPREADSHEET_ID)).toEqual(['B', 'Sheet1', 'C']);
  });

  it('answers an unknown sheetId with "No grid with id"', async () => {
    expect((await update({ sheetId: 99, title: 'x' }, 'title')).body).toEqual(
      invalid('Invalid requests[0].updateSheetProperties: No grid with id: 99'),
    );
  });
});

describe('dimensions', () => {
  it('appends rows and columns', async () => {
    await batchUpdate([
      { appendDimension: { sheetId: 0, dimension: 'ROWS', length: 16 } },
      { appendDimension: { sheetId: 0, dimension: 'COLUMNS', length: 2 } },
    ]);
    expect(h.emulator.grid(SPREADSHEET_ID, 'Sheet1')).toEqual({ rowCount: 1016, columnCount: 28 });
  });

  it('inserts and deletes rows, moving the values', async () => {
    await put('Sheet1!A1', [['r1'], ['r2'], ['r3']]);
    await batchUpdate([
      { insertDimension: { range: { sheetId: 0, dimension: 'ROWS', startIndex: 1, endIndex: 3 } } },
      { deleteDimension: { range: { sheetId: 0, dimension: 'ROWS', startIndex: 0, endIndex: 1 } } },
    ]);
    expect(h.emulator.values(SPREADSHEET_ID, 'Sheet1')).toEqual([[], [], ['r2'], ['r3']]);
    expect(h.emulator.grid(SPREADSHEET_ID, 'Sheet1').rowCount).toBe(1001);
  });
});

describe('atomicity', () => {
  it('applies nothing when one sub-request fails', async () => {
    await put('Sheet1!A1', [['keep']]);
    const res = await batchUpdate([
      { addSheet: { properties: { title: 'Orders' } } },
      {
        updateSheetProperties: {
          properties: { sheetId: 0, title: 'Renamed', gridProperties: { rowCount: 1 } },
          fields: 'title,gridProperties.rowCount',
        },
      },
      { addSheet: { properties: { title: 'Orders' } } },
    ]);
    expect(res).toEqual({
      status: 400,
      body: invalid(
        'Invalid requests[2].addSheet: A sheet with the name "Orders" already exists. Please enter another name.',
      ),
    });
    expect(h.emulator.sheetTitles(SPREADSHEET_ID)).toEqual(['Sheet1']);
    expect(h.emulator.grid(SPREADSHEET_ID, 'Sheet1')).toEqual({ rowCount: 1000, columnCount: 26 });
    expect(h.emulator.values(SPREADSHEET_ID, 'Sheet1')).toEqual([['keep']]);
    expect(h.emulator.history).toHaveLength(1);
  });
});

describe('the 10,000,000-cell limit', () => {
  const limitMessage =
    'This action would increase the number of cells in the workbook above the limit of 10000000 cells.';

  it('allows exactly the limit and refuses one more row', async () => {
    // Sheet1 holds 26,000 cells; 997,400 rows × 10 columns make 9,974,000 more.
    const fill = await batchUpdate([
      { addSheet: { properties: { title: 'Big', gridProperties: { rowCount: 997_400, columnCount: 10 } } } },
    ]);
    expect(fill.status).toBe(200);
    const bigId = fill.body.replies[0].addSheet.properties.sheetId;
    const res = await batchUpdate([{ appendDimension: { sheetId: bigId, dimension: 'ROWS', length: 1 } }]);
    expect(res).toEqual({ status: 400, body: invalid(`Invalid requests[0].appendDimension: ${limitMessage}`) });
  });

  it('refuses a sheet that alone would pass the limit', async () => {
    const res = await batchUpdate([
      { addSheet: { properties: { title: 'Huge', gridProperties: { rowCount: 400_000, columnCount: 26 } } } },
    ]);
    expect(res.body.error.message).toBe(`Invalid requests[0].addSheet: ${limitMessage}`);
  });

  it('checks after rowCount before columnCount, like the real API', async () => {
    // 2,000,000 × 26 is over the limit even though the final 2,000,000 × 4 would fit.
    const res = await batchUpdate([
      {
        updateSheetProperties: {
          properties: { sheetId: 0, gridProperties: { rowCount: 2_000_000, columnCount: 4 } },
          fields: 'gridProperties.rowCount,gridProperties.columnCount',
        },
      },
    ]);
    expect(res.body.error.message).toBe(`Invalid requests[0].updateSheetProperties: ${limitMessage}`);
  });
});

describe('request validation', () => {
  it('names empty, unknown and unsupported requests', async () => {
    expect((await batchUpdate([])).body).toEqual(invalid('Must specify at least one request.'));
    expect((await batchUpdate([{}])).body).toEqual(invalid('Invalid requests[0]: No request set.'));
    expect((await batchUpdate([{ frobnicate: {} }])).body.error.message).toBe(
      `Invalid JSON payload received. Unknown name "frobnicate" at 'requests[0]': Cannot find field.`,
    );
    expect((await batchUpdate([{ updateCells: {} }])).body.error.message).toMatch(
      /requests\[0\]\.updateCells: not supported/,
    );
  });

  it('accepts formatting requests as no-ops on existing sheets', async () => {
    const repeatCell = {
      range: { sheetId: 0, startRowIndex: 0, endRowIndex: 1 },
      cell: {},
      fields: 'userEnteredFormat',
    };
    expect((await batchUpdate([{ repeatCell }])).status).toBe(200);
    const missing = { ...repeatCell, range: { sheetId: 5 } };
    expect((await batchUpdate([{ repeatCell: missing }])).body).toEqual(
      invalid('Invalid requests[0].repeatCell: No grid with id: 5'),
    );
  });
});
