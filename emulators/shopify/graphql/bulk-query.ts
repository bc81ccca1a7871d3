/**
 * A bulk operation's inner query: Shopify's rules for it (docs: api/usage/bulk-operations/queries) and the plan
 * that turns its result into JSONL lines, each nested connection's nodes on lines of their own with `__parentId`.
 */
import {
  getNamedType,
  parse,
  validate,
  type DocumentNode,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import type { ResourceName } from '../types';
import { findOperation } from './cost';
import { isConnectionTypeName } from './schema';

type Json = Record<string, unknown>;

/** Where a nested connection's nodes are in its result, and the plan for those nodes. */
interface ChildConnection {
  via: 'edges' | 'nodes';
  nodeKey: string;
  plan: Plan;
}
export type Plan = Map<string, ChildConnection>;

export interface BulkQuery {
  document: DocumentNode;
  resource: ResourceName;
  /** Response key of the top-level connection. */
  rootKey: string;
  rootVia: 'edges' | 'nodes';
  rootNodeKey: string;
  plan: Plan;
}

const ROOTS: Record<string, ResourceName> = { products: 'products', customers: 'customers', orders: 'orders' };

export class BulkQueryError extends Error {}

interface Stats {
  connections: number;
  depth: number;
  missingId: string[];
  /** Connections under a plain object field (e.g. lineItems.product.variants): counted, not run. */
  inObject: string[];
}

export function prepareBulkQuery(schema: GraphQLSchema, text: string): BulkQuery {
  let document: DocumentNode;
  try {
    document = parse(text);
  } catch (err) {
    throw new BulkQueryError(`Invalid bulk query: ${(err as Error).message}`);
  }
  const invalid = validate(schema, document);
  if (invalid.length) throw new BulkQueryError(`Invalid bulk query: ${invalid.map((e) => e.message).join(' ')}`);
  const op = findOperation(document);
  if (!op || op.operation !== 'query')
    throw new BulkQueryError('Invalid bulk query: a single query operation is required.');
  const top = fieldsOf(op.selectionSet, document);
  if (top.some((f) => f.name.value === 'node' || f.name.value === 'nodes')) {
    throw new BulkQueryError('Bulk queries cannot contain a top level `node` or `nodes` field.');
  }
  const queryType = schema.getQueryType()!;
  const stats: Stats = { connections: 0, depth: 0, missingId: [], inObject: [] };
  const rootConnections = top.filter((f) =>
    isConnectionTypeName(getNamedType(queryType.getFields()[f.name.value].type).name),
  );
  const plans = rootConnections.map((f) => connectionPlan(f, queryType, document, 1, stats));
  if (stats.connections === 0) throw new BulkQueryError('Bulk queries must contain at least one connection.');
  if (stats.connections > 5) throw new BulkQueryError('Bulk queries cannot contain more than 5 connections.');
  if (stats.depth > 2)
    throw new BulkQueryError('Bulk queries cannot contain connections with a nesting depth greater than 2.');
  if (stats.missingId.length) {
    throw new BulkQueryError(
      "The parent 'node' field for a nested connection must select the 'id' field without an alias and must be of 'ID' " +
        `return type. Connection fields without 'id': ${stats.missingId.join(', ')}.`,
    );
  }
  if (stats.inObject.length) {
    throw new BulkQueryError(
      `The emulator does not run connections inside nested objects in bulk queries yet: ${stats.inObject.join(', ')}.`,
    );
  }
  const resource = rootConnections.length === 1 ? ROOTS[rootConnections[0].name.value] : undefined;
  if (!resource || top.length !== 1) {
    throw new BulkQueryError(
      'The emulator runs bulk queries over one top-level connection: products, customers or orders.',
    );
  }
  const root = rootConnections[0];
  return { document, resource, rootKey: root.alias?.value ?? root.name.value, ...plans[0] };
}

function fieldsOf(set: SelectionSetNode, doc: DocumentNode): FieldNode[] {
  const out: FieldNode[] = [];
  for (const sel of set.selections) {
    if (sel.kind === 'Field') out.push(sel);
    else if (sel.kind === 'InlineFragment') out.push(...fieldsOf(sel.selectionSet, doc));
    else {
      const fragment = doc.definitions.find((d) => d.kind === 'FragmentDefinition' && d.name.value === sel.name.value);
      if (fragment?.kind === 'FragmentDefinition') out.push(...fieldsOf(fragment.selectionSet, doc));
    }
  }
  return out;
}

function connectionPlan(
  field: FieldNode,
  parent: GraphQLObjectType,
  doc: DocumentNode,
  depth: number,
  stats: Stats,
): { rootVia: 'edges' | 'nodes'; rootNodeKey: string; plan: Plan } {
  stats.connections++;
  stats.depth = Math.max(stats.depth, depth);
  const connection = getNamedType(parent.getFields()[field.name.value].type) as GraphQLObjectType;
  for (const part of fieldsOf(field.selectionSet!, doc)) {
    const key = part.alias?.value ?? part.name.value;
    if (part.name.value === 'nodes') {
      const nodeType = getNamedType(connection.getFields().nodes.type) as GraphQLObjectType;
      return { rootVia: 'nodes', rootNodeKey: key, plan: nodePlan(part.selectionSet!, nodeType, doc, depth, stats) };
    }
    if (part.name.value === 'edges') {
      const edgeType = getNamedType(connection.getFields().edges.type) as GraphQLObjectType;
      for (const inner of fieldsOf(part.selectionSet!, doc)) {
        if (inner.name.value !== 'node') continue;
        const nodeType = getNamedType(edgeType.getFields().node.type) as GraphQLObjectType;
        return {
          rootVia: 'edges',
          rootNodeKey: `${key}\u0000${inner.alias?.value ?? 'node'}`,
          plan: nodePlan(inner.selectionSet!, nodeType, doc, depth, stats),
        };
      }
    }
  }
  throw new BulkQueryError(
    `Invalid bulk query: the connection ${field.name.value} selects neither edges.node nor nodes.`,
  );
}

function nodePlan(
  set: SelectionSetNode,
  type: GraphQLCompositeType,
  doc: DocumentNode,
  depth: number,
  stats: Stats,
  inObject = false,
): Plan {
  const plan: Plan = new Map();
  const fields = fieldsOf(set, doc);
  if (!('getFields' in type)) return plan;
  const defs = type.getFields();
  for (const f of fields) {
    const def = defs[f.name.value];
    if (!def || !f.selectionSet) continue;
    const named = getNamedType(def.type);
    if (!isConnectionTypeName(named.name)) {
      // Connections further down still count towards Shopify's limits.
      nodePlan(f.selectionSet, named as GraphQLCompositeType, doc, depth, stats, true);
      continue;
    }
    if (inObject) stats.inObject.push(f.name.value);
    if (!fields.some((x) => x.name.value === 'id' && !x.alias)) stats.missingId.push(f.name.value);
    const child = connectionPlan(f, type as GraphQLObjectType, doc, depth + 1, stats);
    plan.set(f.alias?.value ?? f.name.value, { via: child.rootVia, nodeKey: child.rootNodeKey, plan: child.plan });
  }
  return plan;
}

/** The top-level nodes of one executed chunk. */
export function rootNodes(q: BulkQuery, data: Json): Json[] {
  return nodesOf(data[q.rootKey] as Json, q.rootVia, q.rootNodeKey);
}

function nodesOf(connection: Json, via: 'edges' | 'nodes', nodeKey: string): Json[] {
  if (via === 'nodes') return connection[nodeKey] as Json[];
  const [edgesKey, innerKey] = nodeKey.split('\u0000');
  return (connection[edgesKey] as Json[]).map((e) => e[innerKey] as Json);
}

/** One node's line and, separately, the lines of everything nested under it (children before grandchildren). */
export function linesOf(node: Json, plan: Plan, parentId?: string): { line: Json; descendants: Json[] } {
  const line: Json = {};
  const nested: [Json, Plan][] = [];
  for (const [key, value] of Object.entries(node)) {
    const child = plan.get(key);
    if (!child) line[key] = value;
    else for (const c of nodesOf(value as Json, child.via, child.nodeKey)) nested.push([c, child.plan]);
  }
  if (parentId !== undefined) line.__parentId = parentId;
  const descendants: Json[] = [];
  for (const [c, p] of nested) {
    const sub = linesOf(c, p, node.id as string);
    descendants.push(sub.line, ...sub.descendants);
  }
  return { line, descendants };
}
