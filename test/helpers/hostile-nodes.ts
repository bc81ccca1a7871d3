import { RESOURCE_NAMES, type ResourceName } from '../../common/contract';
import { pageQuery } from '../../activities/shopify/graphql/query-builder';
import { resourceSpec } from '../../activities/store/resources';
import { createShopifyStore } from '../../emulators/shopify';
import { data } from '../../emulators/shopify/graphql/test-gql';
import { CONTROLS, HUGE } from './hostile-records';

type Rec = Record<string, unknown>;
export type Nodes = Record<ResourceName, Rec[]>;

/** Realistic GraphQL nodes to start from: the emulator's answer to the sync's own page queries. */
export async function baseNodes(): Promise<Nodes> {
  const store = createShopifyStore({ seed: 5, products: 4, customers: 6, orders: 12, graphql: { costLimit: false } });
  const url = await store.listen(0);
  try {
    const nodes = {} as Nodes;
    for (const name of RESOURCE_NAMES) {
      nodes[name] = [];
      let after: string | null = null;
      do {
        const answer = (await data(url, pageQuery(resourceSpec(name).graphql).document, { after, query: null })) as {
          [key: string]: { nodes: Rec[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
        };
        nodes[name].push(...answer[name].nodes);
        after = answer[name].pageInfo.hasNextPage ? answer[name].pageInfo.endCursor : null;
      } while (after);
    }
    return nodes;
  } finally {
    await store.close();
  }
}

/** A node's nested connection's nodes (`lineItems`, `variants`). */
export function nestedNodes(node: Rec, field: string): Rec[] {
  return (node[field] as { nodes: Rec[] }).nodes;
}

/**
 * The base nodes with text no generator writes: 1 MB strings, control characters, formulas, RTL overrides, emoji,
 * a field the query did not select (a later API version's).
 */
export async function hostileNodes(): Promise<Nodes> {
  const { products, customers, orders } = await baseNodes();
  orders[0].note = HUGE;
  orders[1].note = `before${CONTROLS}after`;
  orders[2].tags = ['a', '"b"', '\r\nc'];
  nestedNodes(orders[3], 'lineItems')[0].title = `=HYPERLINK("http://evil.example","x")\n\ttab`;
  orders[4].xFutureField = { nested: [1, { a: null, b: '\u0000' }], flag: true };
  nestedNodes(orders[4], 'lineItems')[0].xFutureItemField = 'kept';
  products[0].title = `Robert'); DROP TABLE products;--`;
  products[1].newTopLevel = 'hello';
  customers[0].firstName = '\u202eevil\u202c 👩‍👩‍👧‍👦';
  customers[1].note = HUGE;
  return { products, customers, orders };
}
