import { parseSearchQuery, SearchGrammarError } from './search-grammar';

/** The grammar of shopify.dev/docs/api/usage/search-syntax, on its own examples and on what the sync sends. */
describe('Shopify search grammar', () => {
  const term = (field: string | null, value: string, comparator = ':') => ({ kind: 'term', field, comparator, value });

  it('reads the documentation’s examples: implicit AND, OR, modifiers, comparators', () => {
    expect(parseSearchQuery('John Smith')).toEqual({ kind: 'and', terms: [term(null, 'John'), term(null, 'Smith')] });
    expect(parseSearchQuery('state:enabled OR state:disabled')).toEqual({
      kind: 'or',
      terms: [term('state', 'enabled'), term('state', 'disabled')],
    });
    expect(parseSearchQuery('-first_name:Bob AND orders_count:>3 orders_count:<=4')).toEqual({
      kind: 'and',
      terms: [
        { kind: 'not', term: term('first_name', 'Bob') },
        term('orders_count', '3', ':>'),
        term('orders_count', '4', ':<='),
      ],
    });
    expect(parseSearchQuery('NOT first_name:Bob')).toEqual({ kind: 'not', term: term('first_name', 'Bob') });
    expect(parseSearchQuery('  ')).toBeNull();
  });

  it('groups with parentheses, quotes values (spaces, colons and parentheses inside), unescapes backslashes', () => {
    expect(
      parseSearchQuery(
        "action:destroy AND (subject_type:PRODUCT OR subject_type:ORDER) AND created_at:>='2026-11-30T08:00:00Z'",
      ),
    ).toEqual({
      kind: 'and',
      terms: [
        term('action', 'destroy'),
        { kind: 'or', terms: [term('subject_type', 'PRODUCT'), term('subject_type', 'ORDER')] },
        term('created_at', '2026-11-30T08:00:00Z', ':>='),
      ],
    });
    expect(parseSearchQuery('title:"a (b): c" OR -(tag:x tag:y)')).toEqual({
      kind: 'or',
      terms: [
        term('title', 'a (b): c'),
        { kind: 'not', term: { kind: 'and', terms: [term('tag', 'x'), term('tag', 'y')] } },
      ],
    });
    expect(parseSearchQuery('title:D\\:Addario\\(1\\)')).toEqual(term('title', 'D:Addario(1)'));
  });

  it('rejects what the grammar cannot read, and AND mixed with OR without parentheses (precedence undocumented)', () => {
    for (const bad of ['(a OR b', 'a OR b)', 'a OR', "title:'open", '()']) {
      expect(() => parseSearchQuery(bad)).toThrow(SearchGrammarError);
    }
    expect(() => parseSearchQuery('a OR b AND c')).toThrow(/mixes AND and OR without parentheses/);
    expect(() => parseSearchQuery('a b OR c')).toThrow(/mixes AND and OR/);
    expect(parseSearchQuery('(a OR b) c')).toMatchObject({ kind: 'and' });
  });
});
