import { quickLineIds } from '../../activities/shopify/graphql/line-ids';

/** What JSON.parse says the line's id and __parentId are: the answer quickLineIds must give whenever it answers. */
function parsedIds(line: string): { gid: unknown; parentGid: unknown } {
  const value = JSON.parse(line) as Record<string, unknown>;
  return { gid: value.id, parentGid: value.__parentId };
}

/** The line inside a buffer that holds other lines around it, as the parser thread's chunks do. */
function quick(line: string) {
  const before = Buffer.from('{"id":"gid://shopify/Order/1","__parentId":"gid://shopify/X/2"}\n');
  const after = Buffer.from('\n{"id":"gid://shopify/Order/3","__parentId":"gid://shopify/X/4"}\n');
  const bytes = Buffer.concat([before, Buffer.from(line), after]);
  return quickLineIds(bytes, before.length, before.length + Buffer.byteLength(line));
}

describe('quickLineIds (a line’s id and __parentId without parsing it)', () => {
  it('reads the lines Shopify writes: the id first, a child’s __parentId last', () => {
    const child =
      '{"id":"gid://shopify/LineItem/7","title":"Café, \\"Noir\\"","quantity":2,"__parentId":"gid://shopify/Order/9"}';
    expect(quick(child)).toEqual({ gid: 'gid://shopify/LineItem/7', parentGid: 'gid://shopify/Order/9' });
    const root = '{"id":"gid://shopify/Order/9","name":"#1001","totalPriceSet":{"shopMoney":{"amount":"10.00"}}}';
    expect(quick(root)).toEqual({ gid: 'gid://shopify/Order/9', parentGid: undefined });
    const rootEndingInString = '{"id":"gid://shopify/Order/9","note":"a \\"__parentId\\": text","name":"#1"}';
    expect(quick(rootEndingInString)).toEqual({ gid: 'gid://shopify/Order/9', parentGid: undefined });
    // Shopify's files often escape a gid's slashes (JSON allows `\/` anywhere in a string).
    const escaped =
      '{"id":"gid:\\/\\/shopify\\/Metafield\\/9","key":"k","__parentId":"gid:\\/\\/shopify\\/Customer\\/1"}';
    expect(quick(escaped)).toEqual({ gid: 'gid://shopify/Metafield/9', parentGid: 'gid://shopify/Customer/1' });
    for (const line of [child, root, rootEndingInString, escaped]) expect(quick(line)).toEqual(parsedIds(line));
  });

  it('leaves every other shape to JSON.parse', () => {
    for (const line of [
      '{"id":"gid://shopify/Order/1","__parentId":"gid://shopify/Shop/2","name":"x"}', // __parentId not last
      '{"id":"gid://shopify/Order/1","a":{"__parentId":"gid://shopify/Shop/2"}}', // nested
      '{"id":"gid://shopify/Order/1","note":"say \\"hi\\""}', // an escape in the last string
      '{"id":"gid://shopify/Order/1\\u0032","name":"x"}', // an escape in the id other than \/
      '{"id":"gid://shopify/Order/1","__parentId":"gid://shopify/Order/\\u0032"}', // and in the parent
      '{"__typename":"OrderTransaction","__parentId":"gid://shopify/Refund/2"}', // no id
      '{"id":"12","name":"x"}', // not a global id
      '{"id":"gid://shopify/Order/1","name":"x"} ', // trailing space
      '{"id":"gid://shopify/Order/1","name":"x"', // cut short
    ]) {
      expect(quick(line)).toBeNull();
    }
  });

  it('never answers differently from JSON.parse (10,000 generated lines with quotes, escapes and __parentId anywhere)', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
    const texts = [
      'plain',
      'say "hi"',
      'back\\slash',
      'Café',
      '"__parentId":"gid://x/1"}',
      '\u2028',
      'gid://shopify/A/1',
    ];
    const values = () => pick<unknown>([pick(texts), 12, null, true, { nested: pick(texts) }, [pick(texts)], 1.5]);
    let answered = 0;
    for (let n = 0; n < 10_000; n += 1) {
      const entries: Array<[string, unknown]> = [];
      if (random() < 0.9) entries.push(['id', random() < 0.9 ? `gid://shopify/LineItem/${n}` : pick(texts)]);
      for (let k = Math.floor(random() * 4); k > 0; k -= 1) entries.push([pick(['name', 'note', 'qty']), values()]);
      if (random() < 0.6) {
        const parent = random() < 0.9 ? `gid://shopify/Order/${n}` : pick(texts);
        entries.splice(random() < 0.8 ? entries.length : Math.floor(random() * entries.length), 0, [
          '__parentId',
          parent,
        ]);
      }
      const json = JSON.stringify(Object.fromEntries(entries));
      // Half the lines with every `/` escaped, as Shopify's files often have them (`\\` then stays `\\`).
      const line = random() < 0.5 ? json : json.replaceAll('/', '\\/');
      const ids = quick(line);
      if (ids === null) continue;
      answered += 1;
      expect(ids).toEqual(parsedIds(line));
    }
    expect(answered).toBeGreaterThan(5_000); // the shapes Shopify writes are the common case here too
  });
});
