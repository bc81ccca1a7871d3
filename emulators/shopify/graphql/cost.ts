/**
 * Shopify's calculated query cost (docs: apps/build/apis/graphql-admin/rate-limits): scalars and enums 0, objects
 * 1, connections 2 plus `first` (or `last`) times the cost of one node, each mutation field 10. The requested
 * cost is computed from the query before it runs; the actual cost from what it returned (fewer nodes, nulls).
 */
import {
  getNamedType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type GraphQLType,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { isConnectionTypeName } from './schema';

export const MUTATION_COST = 10;

type Json = Record<string, unknown>;

interface Walk {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

export function findOperation(doc: DocumentNode, operationName?: string | null): OperationDefinitionNode | undefined {
  const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
  return operationName ? ops.find((o) => o.name?.value === operationName) : ops.length === 1 ? ops[0] : undefined;
}

function context(schema: GraphQLSchema, doc: DocumentNode, variables: Record<string, unknown> | undefined): Walk {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of doc.definitions) if (d.kind === 'FragmentDefinition') fragments[d.name.value] = d;
  return { schema, fragments, variables: variables ?? {} };
}

/** Cost of the operation; with `data`, the actual cost of what was returned. */
export function queryCost(
  schema: GraphQLSchema,
  doc: DocumentNode,
  op: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
  data?: Json | null,
): number {
  const w = context(schema, doc, variables);
  if (op.operation === 'mutation') {
    return (
      fields(w, op.selectionSet, schema.getMutationType()!).filter((f) => f.node.name.value !== '__typename').length *
      MUTATION_COST
    );
  }
  if (data === null) return 0;
  return selectionCost(w, op.selectionSet, schema.getQueryType()!, data);
}

interface Selected {
  node: FieldNode;
  def?: GraphQLField<unknown, unknown>;
}

/** The fields of a selection set with their definitions, through fragments (abstract types: every branch). */
function fields(w: Walk, set: SelectionSetNode, parent: GraphQLCompositeType): Selected[] {
  const out: Selected[] = [];
  for (const sel of set.selections) {
    if (sel.kind === 'Field') {
      const defs = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields() : {};
      out.push({ node: sel, def: defs[sel.name.value] });
    } else {
      const fragment = sel.kind === 'InlineFragment' ? sel : w.fragments[sel.name.value];
      if (!fragment) continue;
      const cond = fragment.typeCondition ? w.schema.getType(fragment.typeCondition.name.value) : parent;
      out.push(...fields(w, fragment.selectionSet, (cond ?? parent) as GraphQLCompositeType));
    }
  }
  return out;
}

function argument(w: Walk, node: FieldNode, name: string): unknown {
  const arg = node.arguments?.find((a) => a.name.value === name);
  return arg ? valueFromASTUntyped(arg.value, w.variables) : undefined;
}

function selectionCost(w: Walk, set: SelectionSetNode, parent: GraphQLCompositeType, value: Json | undefined): number {
  let total = 0;
  for (const { node, def } of fields(w, set, parent)) {
    if (!def) continue; // __typename and the like
    const key = node.alias?.value ?? node.name.value;
    const child = value === undefined ? undefined : value[key];
    total += fieldCost(w, node, def.type, child, value !== undefined);
  }
  return total;
}

function fieldCost(w: Walk, node: FieldNode, type: GraphQLType, value: unknown, actual: boolean): number {
  const named = getNamedType(type);
  if (isLeafType(named) || !node.selectionSet) return 0;
  if (actual && value == null) return 0;
  const composite = named as GraphQLCompositeType;
  if (isConnectionTypeName(named.name)) return connectionCost(w, node, composite, value as Json | undefined, actual);
  const unwrapped = isNonNullType(type) ? type.ofType : type;
  if (isListType(unwrapped)) {
    if (actual) {
      const items = value as (Json | null)[];
      return items.reduce(
        (sum, item) => sum + (item ? 1 + selectionCost(w, node.selectionSet!, composite, item) : 0),
        0,
      );
    }
    const ids = argument(w, node, 'ids'); // nodes(ids: […]) returns one object per id
    const n = Array.isArray(ids) ? ids.length : Number(argument(w, node, 'first') ?? 1);
    return n * (1 + selectionCost(w, node.selectionSet, composite, undefined));
  }
  return 1 + selectionCost(w, node.selectionSet, composite, actual ? (value as Json) : undefined);
}

function connectionCost(
  w: Walk,
  node: FieldNode,
  connection: GraphQLCompositeType,
  value: Json | undefined,
  actual: boolean,
): number {
  // One node's selection, from `edges { node {…} }` and/or `nodes {…}`: the dearer of the two.
  let requestedNode = 0;
  let actualNodes = 0;
  for (const { node: part, def } of fields(w, node.selectionSet!, connection)) {
    if (!def || !part.selectionSet) continue;
    const key = part.alias?.value ?? part.name.value;
    const partValue = value?.[key] as Json[] | undefined;
    if (part.name.value === 'nodes') {
      const nodeType = getNamedType(def.type) as GraphQLCompositeType;
      if (actual) {
        actualNodes = Math.max(
          actualNodes,
          sum(partValue, (n) => 1 + selectionCost(w, part.selectionSet!, nodeType, n)),
        );
      } else requestedNode = Math.max(requestedNode, 1 + selectionCost(w, part.selectionSet, nodeType, undefined));
    } else if (part.name.value === 'edges') {
      const edgeType = getNamedType(def.type) as GraphQLCompositeType;
      for (const { node: inner, def: innerDef } of fields(w, part.selectionSet, edgeType)) {
        if (inner.name.value !== 'node' || !innerDef || !inner.selectionSet) continue;
        const nodeType = getNamedType(innerDef.type) as GraphQLCompositeType;
        const innerKey = inner.alias?.value ?? 'node';
        if (actual) {
          const cost = sum(
            partValue,
            (edge) => 1 + selectionCost(w, inner.selectionSet!, nodeType, edge[innerKey] as Json),
          );
          actualNodes = Math.max(actualNodes, cost);
        } else requestedNode = Math.max(requestedNode, 1 + selectionCost(w, inner.selectionSet, nodeType, undefined));
      }
    }
  }
  if (actual) return 2 + actualNodes;
  const n = Number(argument(w, node, 'first') ?? argument(w, node, 'last') ?? 0);
  return 2 + n * requestedNode;
}

function sum(items: Json[] | undefined, f: (item: Json) => number): number {
  let total = 0;
  for (const item of items ?? []) total += f(item);
  return total;
}
