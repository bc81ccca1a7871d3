import { SPREADSHEET_ID, SPREADSHEET_PATH, startEmulator, valuesPath, type Harness } from './test-harness';

let h: Harness;
beforeEach(async () => {
  h = await startEmulator();
});
afterEach(() => h.emulator.close());

const batchUpdate = (requests: unknown[], extra: object = {}) =>
  h.call('POST', `${SPREADSHEET_PATH}:batchUpdate`, { requests, ...extra });
const invalid = (message: string) => ({ error: { code: 400, message, status: 'INVALID_ARGUMENT' } });
const notEmulated = (what: string) => ({
  error: {
    code: 501,
    message: `${what} is not emulated by the Sheets emulator (see emulators/google-sheets/README.md for what is).`,
    status: 'UNIMPLEMENTED',
  },
});
const put = (range: string, values: unknown[][]) =>
  h.call('PUT', valuesPath(range, '', '?valueInputOption=RAW'), { values });

describe('addSheet', () => {
  it('adds a sheet at the end and replies with its properties', async () => {
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
    expect(properties.sheetId).toBeGreaterThan(0);
    expect(res.body.spreadsheetId).toBe(SPREADSHEET_ID);
    expect(h.emulator.sheetTitles(SPREADSHEET_ID)).toEqual(['Sheet1', 'Orders']);
    expect(h.emulator.grid(SPREADSHEET_ID, 'Orders')).toEqual({ rowCount: 1016, columnCount: 12 });
  });

  it('uses the default 1000 × 26 grid and a default title when they are not set', async () => {
    const res = await batchUpdate([{ addSheet: {} }]);
    expect(res.body.replies[0].addSheet.properties).toMatchObject({
      title: 'Sheet2',
      gridProperties: { rowCount: 1000, columnCount: 26 },
    });
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

  it('answers properties the push never sets as not emulated', async () => {
    const frozen = { title: 'X', gridProperties: { rowCount: 5, frozenRowCount: 1 } };
    expect((await batchUpdate([{ addSheet: { properties: frozen } }])).body).toEqual(
      notEmulated('requests[0].addSheet.properties.gridProperties.frozenRowCount'),
    );
    expect((await batchUpdate([{ addSheet: { properties: { title: 'X', index: 0 } } }])).status).toBe(501);
    expect(h.emulator.sheetTitles(SPREADSHEET_ID)).toEqual(['Sheet1']);
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

  it('applies only the fields listed; a listed field missing from properties is its default', async () => {
    expect((await update({ sheetId: 0, title: 'Ignored', index: 0 }, 'index')).status).toBe(200);
    expect(h.emulator.sheetTitles(SPREADSHEET_ID)).toEqual(['Sheet1']);
    expect((await update({ sheetId: 0 }, 'title')).body).toEqual(
      invalid('Invalid requests[0].updateSheetProperties: Sheet title cannot be empty.'),
    );
    expect((await update({ sheetId: 0, title: 'x' }, '')).status).toBe(400);
  });

  it('moves a sheet, counting the index before the move', async () => {
    await batchUpdate([{ addSheet: { properties: { title: 'B' } } }, { addSheet: { properties: { title: 'C' } } }]);
    await update({ sheetId: 0, index: 2 }, 'index');
    expect(h.emulator.sheetTitles(SPREADSHEET_ID)).toEqual(['B', 'Sheet1', 'C']);
    const c = (await h.call('GET', `${SPREADSHEET_PATH}?fields=sheets.properties`)).body.sheets[2].properties;
    await update({ sheetId: c.sheetId, title: 'C2', index: 0 }, 'title,index');
    expect(h.emulator.sheetTitles(SPREADSHEET_ID)).toEqual(['C2', 'B', 'Sheet1']);
  });

  it('answers an unknown sheetId with "No grid with id"', async () => {
    expect((await update({ sheetId: 99, title: 'x' }, 'title')).body).toEqual(
      invalid('Invalid requests[0].updateSheetProperties: No grid with id: 99'),
    );
  });

  it('answers fields the push never updates, such as the grid size, as not emulated', async () => {
    const resize = await update({ sheetId: 0, gridProperties: { rowCount: 5 } }, 'gridProperties.rowCount');
    expect(resize).toEqual({
      status: 501,
      body: notEmulated(
        "Updating the sheet property 'gridProperties.rowCount' (requests[0].updateSheetProperties.fields)",
      ),
    });
    expect((await update({ sheetId: 0, title: 'x' }, '*')).status).toBe(501);
    expect(h.emulator.grid(SPREADSHEET_ID, 'Sheet1')).toEqual({ rowCount: 1000, columnCount: 26 });
  });
});

describe('atomicity', () => {
  it('applies nothing when one sub-request fails', async () => {
    await put('Sheet1!A1', [['keep']]);
    const res = await batchUpdate([
      { addSheet: { properties: { title: 'Orders' } } },
      { deleteSheet: { sheetId: 0 } },
      { updateSheetProperties: { properties: { sheetId: 0, title: 'Renamed' }, fields: 'title' } },
    ]);
    expect(res).toEqual({
      status: 400,
      body: invalid('Invalid requests[2].updateSheetProperties: No grid with id: 0'),
    });
    expect(h.emulator.sheetTitles(SPREADSHEET_ID)).toEqual(['Sheet1']);
    expect(h.emulator.values(SPREADSHEET_ID, 'Sheet1')).toEqual([['keep']]);
    expect(h.emulator.history).toHaveLength(1);
  });

  it('swaps a sheet in one request: delete the old one, rename the staging one into its place', async () => {
    const added = await batchUpdate([
      { addSheet: { properties: { title: 'Orders' } } },
      { addSheet: { properties: { title: 'Orders (updating)' } } },
    ]);
    const [orders, staging] = added.body.replies.map(
      (r: { addSheet: { properties: { sheetId: number } } }) => r.addSheet.properties.sheetId,
    );
    await put("'Orders (updating)'!A1", [['id'], ['1']]);
    const swap = await batchUpdate([
      { deleteSheet: { sheetId: orders } },
      { updateSheetProperties: { properties: { sheetId: staging, title: 'Orders', index: 1 }, fields: 'title,index' } },
    ]);
    expect(swap.status).toBe(200);
    expect(h.emulator.sheetTitles(SPREADSHEET_ID)).toEqual(['Sheet1', 'Orders']);
    expect(h.emulator.values(SPREADSHEET_ID, 'Orders')).toEqual([['id'], ['1']]);
    expect(h.emulator.history.map((s) => s.Orders)).toEqual([0, 0, 2]);
  });
});

describe('the 10,000,000-cell limit', () => {
  const limitMessage =
    'This action would increase the number of cells in the workbook above the limit of 10000000 cells.';

  it('counts every sheet’s whole grid: allows exactly the limit and refuses one more cell', async () => {
    // Sheet1 holds 26,000 cells; 997,400 rows × 10 columns make 9,974,000 more.
    const fill = await batchUpdate([
      { addSheet: { properties: { title: 'Big', gridProperties: { rowCount: 997_400, columnCount: 10 } } } },
    ]);
    expect(fill.status).toBe(200);
    const res = await batchUpdate([
      { addSheet: { properties: { title: 'One', gridProperties: { rowCount: 1, columnCount: 1 } } } },
    ]);
    expect(res).toEqual({ status: 400, body: invalid(`Invalid requests[0].addSheet: ${limitMessage}`) });
  });

  it('refuses a sheet that alone would pass the limit', async () => {
    const res = await batchUpdate([
      { addSheet: { properties: { title: 'Huge', gridProperties: { rowCount: 400_000, columnCount: 26 } } } },
    ]);
    expect(res.body.error.message).toBe(`Invalid requests[0].addSheet: ${limitMessage}`);
  });

  it('frees the cells of a deleted sheet in the same request', async () => {
    const big = { rowCount: 997_400, columnCount: 10 };
    const fill = await batchUpdate([{ addSheet: { properties: { title: 'Big', gridProperties: big } } }]);
    const bigId = fill.body.replies[0].addSheet.properties.sheetId;
    const res = await batchUpdate([
      { deleteSheet: { sheetId: bigId } },
      { addSheet: { properties: { title: 'Big (new)', gridProperties: big } } },
    ]);
    expect(res.status).toBe(200);
  });
});

describe('request validation', () => {
  it('names empty requests, and answers every kind the push never sends as not emulated', async () => {
    expect((await batchUpdate([])).body).toEqual(invalid('Must specify at least one request.'));
    expect((await batchUpdate([{}])).body).toEqual(invalid('Invalid requests[0]: No request set.'));
    const append = { appendDimension: { sheetId: 0, dimension: 'ROWS', length: 1 } };
    expect(await batchUpdate([{ addSheet: {} }, append])).toEqual({
      status: 501,
      body: notEmulated('The batchUpdate request requests[1].appendDimension'),
    });
    for (const kind of ['repeatCell', 'insertDimension', 'deleteDimension', 'updateCells', 'frobnicate']) {
      expect((await batchUpdate([{ [kind]: {} }])).status).toBe(501);
    }
    expect(h.emulator.sheetTitles(SPREADSHEET_ID)).toEqual(['Sheet1']);
    expect(h.emulator.grid(SPREADSHEET_ID, 'Sheet1')).toEqual({ rowCount: 1000, columnCount: 26 });
  });

  it('answers includeSpreadsheetInResponse as not emulated', async () => {
    const res = await batchUpdate([{ addSheet: {} }], { includeSpreadsheetInResponse: true });
    expect(res.body).toEqual(notEmulated('batchUpdate with includeSpreadsheetInResponse'));
  });
});
