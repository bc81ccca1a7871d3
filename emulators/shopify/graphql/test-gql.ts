/** Small GraphQL-over-HTTP helpers shared by the emulator's GraphQL tests. */
/** The static token of the store's admin-created app (the store's default access token). */
export const TOKEN = 'shpat_demo_token';

export const VERSION = '2026-10';

export interface GqlReply {
  status: number;
  // Test-only convenience: bodies are arbitrary JSON.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export async function gql(
  base: string,
  query: string,
  variables?: Record<string, unknown>,
  options: { token?: string | null; version?: string } = {},
): Promise<GqlReply> {
  const token = options.token === undefined ? TOKEN : options.token;
  const res = await fetch(`${base}/admin/api/${options.version ?? VERSION}/graphql.json`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token === null ? {} : { 'X-Shopify-Access-Token': token }) },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

/** Data of a successful reply; fails the test with the errors otherwise. */
export async function data(base: string, query: string, variables?: Record<string, unknown>) {
  const reply = await gql(base, query, variables);
  if (reply.status !== 200 || reply.body.errors) {
    throw new Error(`GraphQL request failed (${reply.status}): ${JSON.stringify(reply.body.errors ?? reply.body)}`);
  }
  return reply.body.data;
}

/** Follows `pageInfo.endCursor` through a root connection; returns every node. */
export async function pageAll(
  base: string,
  field: string,
  selection: string,
  args: string,
  pageSize = 250,
): Promise<Record<string, unknown>[]> {
  const nodes: Record<string, unknown>[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await data(
      base,
      `query($after: String) { ${field}(first: ${pageSize}, after: $after${args ? `, ${args}` : ''}) {
        nodes { ${selection} } pageInfo { hasNextPage endCursor } } }`,
      { after },
    );
    nodes.push(...page[field].nodes);
    if (!page[field].pageInfo.hasNextPage) return nodes;
    after = page[field].pageInfo.endCursor;
  }
}

const BULK_STATUS = `query($id: ID!) { bulkOperation(id: $id) {
  id status errorCode objectCount rootObjectCount fileSize url partialDataUrl } }`;

export async function startBulk(
  base: string,
  inner: string,
  options: { groupObjects?: boolean; version?: string } = {},
) {
  const reply = await gql(
    base,
    `mutation($q: String!, $g: Boolean!) { bulkOperationRunQuery(query: $q, groupObjects: $g) {
      bulkOperation { id status } userErrors { code field message } } }`,
    { q: inner, g: options.groupObjects ?? false },
    { version: options.version },
  );
  if (reply.body.errors) throw new Error(JSON.stringify(reply.body.errors));
  return reply.body.data.bulkOperationRunQuery;
}

/** Polls until the operation leaves CREATED/RUNNING/CANCELING. */
export async function waitForBulk(base: string, id: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const op = (await data(base, BULK_STATUS, { id })).bulkOperation;
    if (!['CREATED', 'RUNNING', 'CANCELING'].includes(op.status)) return op;
    if (Date.now() > deadline) throw new Error(`bulk operation ${id} still ${op.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function bulkStatus(base: string, id: string) {
  return (await data(base, BULK_STATUS, { id })).bulkOperation;
}

export function jsonl(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

/**
 * Rebuilds nested records from ungrouped JSONL without assuming any order: children are attached to their
 * parent (by `__parentId`) under the given key, per child GID type.
 */
export function reassemble(lines: Record<string, unknown>[], childKey: (gid: string) => string) {
  const byId = new Map<string, Record<string, unknown>>();
  for (const line of lines) byId.set(line.id as string, { ...line });
  const roots: Record<string, unknown>[] = [];
  for (const line of lines) {
    const record = byId.get(line.id as string)!;
    const parentId = record.__parentId as string | undefined;
    if (parentId === undefined) {
      roots.push(record);
      continue;
    }
    delete record.__parentId;
    const parent = byId.get(parentId);
    if (!parent) throw new Error(`line ${line.id} names a parent that is not in the file: ${parentId}`);
    const key = childKey(line.id as string);
    ((parent[key] ??= []) as unknown[]).push(record);
  }
  return roots;
}
