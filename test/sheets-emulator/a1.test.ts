import { columnIndex, columnLetters, formatArea, parseA1, quoteSheetName } from './a1';

describe('A1 notation', () => {
  it('converts column letters both ways', () => {
    expect(['A', 'Z', 'AA', 'AZ', 'BA', 'ZZ', 'AAA'].map(columnIndex)).toEqual([0, 25, 26, 51, 52, 701, 702]);
    expect([0, 25, 26, 51, 52, 701, 702].map(columnLetters)).toEqual(['A', 'Z', 'AA', 'AZ', 'BA', 'ZZ', 'AAA']);
  });

  it('parses sheet names, quoted or not', () => {
    expect(parseA1("'It''s here'!B2:C3")).toEqual({
      sheetName: "It's here",
      cells: { startRow: 1, startCol: 1, endRow: 3, endCol: 3 },
      single: false,
      ambiguous: false,
    });
    expect(parseA1("'Orders'")).toEqual({ sheetName: 'Orders', single: false, ambiguous: false });
    expect(parseA1('My Sheet!A1')).toMatchObject({ sheetName: 'My Sheet', single: true });
    expect(parseA1('Orders')).toEqual({ sheetName: 'Orders', cells: undefined, single: true, ambiguous: true });
  });

  it('parses whole columns, whole rows, open ends and reversed corners', () => {
    expect(parseA1('S!A:B')?.cells).toEqual({ startRow: 0, startCol: 0, endRow: undefined, endCol: 2 });
    expect(parseA1('S!2:3')?.cells).toEqual({ startRow: 1, startCol: 0, endRow: 3, endCol: undefined });
    expect(parseA1('S!AT2:AT')?.cells).toEqual({ startRow: 1, startCol: 45, endRow: undefined, endCol: 46 });
    expect(parseA1('S!$B$5:a1')?.cells).toEqual({ startRow: 0, startCol: 0, endRow: 5, endCol: 2 });
  });

  it('rejects what is not a range', () => {
    for (const text of ['', "'Unclosed!A1", "'S'A1", 'S!A0', 'S!A1:B2:C3', 'S!', '!A1', 'S!AAAA1', "''!A1", 'S!A']) {
      expect(parseA1(text)).toBeUndefined();
    }
  });

  it('quotes sheet names only when needed', () => {
    expect(['Sheet1', 'Orders', 'raw_data', 'Big Orders', "It's", 'A1', 'R1C1', '2024'].map(quoteSheetName)).toEqual([
      'Sheet1',
      'Orders',
      'raw_data',
      "'Big Orders'",
      "'It''s'",
      "'A1'",
      "'R1C1'",
      "'2024'",
    ]);
  });

  it('prints areas as the API does', () => {
    expect(formatArea('S', { startRow: 1, startCol: 45, endCol: 46 }, false)).toBe('S!AT2:AT');
    expect(formatArea('S', { startRow: 0, startCol: 0, endCol: 2 }, false)).toBe('S!A:B');
    expect(formatArea('S', { startRow: 0, startCol: 0, endRow: 3 }, false)).toBe('S!1:3');
    expect(formatArea('Big Orders', { startRow: 1000, startCol: 0, endRow: 1001, endCol: 1 }, true)).toBe(
      "'Big Orders'!A1001",
    );
  });
});
