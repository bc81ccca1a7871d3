import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { CostPacer } from '../../activities/shopify/graphql/cost-pacer';
import { deletionEventsSearch, fetchDeletionEvents } from '../../activities/shopify/graphql/deletion-events';
import { GraphqlClient } from '../../activities/shopify/graphql/graphql-client';
import { parseSearchQuery, type SearchNode } from '../../emulators/shopify/graphql/search-grammar';

/**
 * Destroy events read through the GraphQL client from a tiny local shop that answers `events` the way Shopify
 * documents it: the search string filters by action, subject_type and created_at; pages of `first` with
 * `pageInfo { hasNextPage endCursor }` and an opaque cursor; BasicEvent nodes carry subjectId and subjectType.
 */

interface StoredEvent {
  id: string;
  action: string;
  createdAt: string;
  subjectId: string;
  subjectType: string;
}

interface Received {
  query: string;
  variables: { first: number; after: string | null; query: string };
}

const servers: http.Server[] = [];
afterAll(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

const cost = {
  cost: {
    requestedQueryCost: 12,
    actualQueryCost: 4,
    throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1990, restoreRate: 100 },
  },
};

/** Shopify's search grammar (AND, OR, parentheses) over the fields the events query documents. */
function matches(event: StoredEvent, search: string): boolean {
  const test = (node: SearchNode): boolean => {
    if (node.kind === 'not') return !test(node.term);
    if (node.kind !== 'term') return node.kind === 'and' ? node.terms.every(test) : node.terms.some(test);
    if (node.field === 'created_at' && node.comparator === ':>=') {
      return Date.parse(event.createdAt) >= Date.parse(node.value);
    }
    if (node.field === 'action') return event.action === node.value;
    if (node.field === 'subject_type') return event.subjectType === node.value;
    throw new Error(`the test shop does not understand the search term ${JSON.stringify(node)}`);
  };
  const tree = parseSearchQuery(search);
  return tree === null || test(tree);
}

async function shop(events: StoredEvent[], answer?: (r: Received, res: http.ServerResponse) => boolean) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      const request = JSON.parse(raw) as Received;
      received.push(request);
      if (answer?.(request, res)) return;
      const { first, after, query } = request.variables;
      const found = events
        .filter((e) => matches(e, query))
        .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
      const start = after ? Number(Buffer.from(after, 'base64').toString('utf8').split(':')[1]) + 1 : 0;
      const nodes = found.slice(start, start + first);
      const endCursor = nodes.length ? Buffer.from(`cursor:${start + nodes.length - 1}`).toString('base64') : null;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          data: { events: { nodes, pageInfo: { hasNextPage: start + first < found.length, endCursor } } },
          extensions: cost,
        }),
      );
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new GraphqlClient({
    store: 'unit-store',
    baseUrl: url,
    apiVersion: '2026-10',
    timeoutMs: 5_000,
    tokens: {
      kind: 'static',
      token: async () => 'shpat_unit',
      renewAfterRejection: async () => 'shpat_unit',
      expiresAt: () => null,
    },
    pacer: new CostPacer(),
  });
  return { client, received };
}

let nextEventId = 1;
const event = (subjectType: string, gid: string, createdAt: string, action = 'destroy'): StoredEvent => ({
  id: `gid://shopify/BasicEvent/${nextEventId++}`,
  action,
  createdAt,
  subjectId: gid,
  subjectType,
});

describe('fetchDeletionEvents', () => {
  it('asks once, for every subject type, for destroy events since the watermark less the lookback', async () => {
    const { client, received } = await shop([]);
    const result = await fetchDeletionEvents(client, { since: '2026-11-30T06:00:00.000Z', lookbackMs: 15 * 60_000 });
    expect(result).toEqual({ deletions: [], newestEventAt: null, ignored: 0, pages: 1, requests: 1, throttledMs: 0 });
    // The declared subject types, in declaration order (resources.ts), grouped in parentheses.
    expect(received.map((r) => r.variables)).toEqual([
      {
        first: 250,
        after: null,
        query:
          'action:destroy AND (subject_type:PRODUCT OR subject_type:PRODUCT_VARIANT OR subject_type:CUSTOMER OR ' +
          "subject_type:ORDER) AND created_at:>='2026-11-30T05:45:00.000Z'",
      },
    ]);
    expect(received[0].query).toMatch(/events\(first: \$first, after: \$after, query: \$query, sortKey: CREATED_AT\)/);
    expect(received[0].query).toMatch(/\.\.\. on BasicEvent \{ subjectId subjectType \}/);
  });

  it('maps each destroy event to the record it deleted, for orders, customers, products and variants', async () => {
    const { client } = await shop([
      event('ORDER', 'gid://shopify/Order/450789469', '2026-11-30T07:00:00Z'),
      event('CUSTOMER', 'gid://shopify/Customer/207119551', '2026-11-30T07:01:00Z'),
      event('PRODUCT', 'gid://shopify/Product/632910392', '2026-11-30T07:02:00Z'),
      event('PRODUCT_VARIANT', 'gid://shopify/ProductVariant/808950810', '2026-11-30T07:03:00Z'),
      event('COLLECTION', 'gid://shopify/Collection/1', '2026-11-30T07:04:00Z'),
      event('ORDER', 'gid://shopify/Order/1', '2026-11-30T07:05:00Z', 'create'),
      event('ORDER', 'gid://shopify/Order/2', '2026-11-29T00:00:00Z'), // before the watermark and lookback
    ]);
    const result = await fetchDeletionEvents(client, { since: '2026-11-30T06:30:00Z' });
    // In event order; the COLLECTION event is not asked for (the test shop applies the search as Shopify would).
    expect(result.deletions).toEqual([
      { resource: 'orders', id: 450789469, deletedAt: '2026-11-30T07:00:00Z' },
      { resource: 'customers', id: 207119551, deletedAt: '2026-11-30T07:01:00Z' },
      { resource: 'products', id: 632910392, deletedAt: '2026-11-30T07:02:00Z' },
      { resource: 'product_variants', id: 808950810, deletedAt: '2026-11-30T07:03:00Z' },
    ]);
    expect(result.newestEventAt).toBe('2026-11-30T07:03:00Z');
    expect(result.ignored).toBe(0);
  });

  it('pages to the end with the cursor Shopify returned, and keeps one entry per record', async () => {
    const orders = Array.from({ length: 600 }, (_, i) =>
      event(
        'ORDER',
        `gid://shopify/Order/${1000 + (i % 590)}`,
        new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString(),
      ),
    );
    const { client, received } = await shop(orders);
    const result = await fetchDeletionEvents(client, { since: null, subjects: ['ORDER'] });
    expect(received.map((r) => [r.variables.after, r.variables.query])).toEqual([
      [null, 'action:destroy AND subject_type:ORDER'],
      [Buffer.from('cursor:249').toString('base64'), 'action:destroy AND subject_type:ORDER'],
      [Buffer.from('cursor:499').toString('base64'), 'action:destroy AND subject_type:ORDER'],
    ]);
    expect(result.pages).toBe(3);
    expect(result.deletions).toHaveLength(590);
    // Ids 1000..1009 were destroyed twice (a record re-created under the same id cannot happen; a replayed event
    // can): the first, earliest event is kept.
    expect(result.deletions[0]).toEqual({ resource: 'orders', id: 1000, deletedAt: '2026-11-01T00:00:00.000Z' });
    expect(result.deletions.map((d) => d.id)).toEqual(Array.from({ length: 590 }, (_, i) => 1000 + i));
    expect(result.newestEventAt).toBe(new Date(Date.UTC(2026, 10, 1) + 599 * 1000).toISOString());
  });

  it('does not trust an event that is not a destroy of the subject asked for, or whose id is unreadable', async () => {
    const { client } = await shop([], (request, res) => {
      if (!request.variables.query.includes('subject_type:ORDER')) return false;
      const nodes = [
        { ...event('ORDER', 'gid://shopify/Order/1', '2026-11-30T07:00:00Z'), action: 'create' },
        event('ORDER', 'gid://shopify/Customer/2', '2026-11-30T07:00:00Z'),
        event('PRODUCT', 'gid://shopify/Product/3', '2026-11-30T07:00:00Z'),
        event('ORDER', 'not-a-gid', '2026-11-30T07:00:00Z'),
        { id: 'gid://shopify/CommentEvent/9', action: 'destroy', createdAt: '2026-11-30T07:00:00Z' },
        event('ORDER', 'gid://shopify/Order/5', '2026-11-30T07:00:00Z'),
      ];
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ data: { events: { nodes, pageInfo: { hasNextPage: false, endCursor: 'x' } } } }));
      return true;
    });
    const result = await fetchDeletionEvents(client, { since: null, subjects: ['ORDER'] });
    expect(result.deletions).toEqual([{ resource: 'orders', id: 5, deletedAt: '2026-11-30T07:00:00Z' }]);
    expect(result.ignored).toBe(5);
  });

  it('a missing scope fails with what to grant, through the GraphQL client', async () => {
    const { client } = await shop([], (_request, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          errors: [
            {
              message: 'Access denied for events field. Required access: `read_orders` access scope.',
              extensions: { code: 'ACCESS_DENIED' },
              path: ['events'],
            },
          ],
        }),
      );
      return true;
    });
    const error = await fetchDeletionEvents(client, { since: null }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect((error as ApplicationFailure).type).toBe('ShopifyScopeError');
    expect((error as ApplicationFailure).message).toMatch(/Grant the app the read_orders access scope/);
  });

  it('writes the search string without a date when there is no watermark, one subject without parentheses', () => {
    expect(deletionEventsSearch(['PRODUCT_VARIANT'], null)).toBe('action:destroy AND subject_type:PRODUCT_VARIANT');
    expect(deletionEventsSearch(['ORDER', 'CUSTOMER'], '2026-11-30T05:00:00.000Z')).toBe(
      "action:destroy AND (subject_type:ORDER OR subject_type:CUSTOMER) AND created_at:>='2026-11-30T05:00:00.000Z'",
    );
  });

  it('an event of a subject type not asked for is not trusted, even if Shopify returned it', async () => {
    const { client } = await shop([], (_request, res) => {
      const nodes = [
        event('CUSTOMER', 'gid://shopify/Customer/7', '2026-11-30T07:00:00Z'),
        event('ORDER', 'gid://shopify/Order/8', '2026-11-30T07:00:01Z'),
      ];
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ data: { events: { nodes, pageInfo: { hasNextPage: false, endCursor: 'x' } } } }));
      return true;
    });
    const result = await fetchDeletionEvents(client, { since: null, subjects: ['ORDER', 'PRODUCT'] });
    expect(result.deletions).toEqual([{ resource: 'orders', id: 8, deletedAt: '2026-11-30T07:00:01Z' }]);
    expect(result.ignored).toBe(1);
  });
});
