/**
 * A bulk query's selection compiled once into plain functions that copy the selected fields off the shaped
 * records. graphql-js validates every bulk query against the schema first; running each chunk through its
 * executor instead would make exporting a million orders several times slower (its per-field type checks and
 * promise handling dominate). Paged queries still go through graphql-js's `execute`. The bulk tests compare both
 * paths on the same records.
 */
import {
  getNamedType,
  isAbstractType,
  isLeafType,
  valueFromASTUntyped,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { listConnection, type ConnectionArgs } from './connections';
import { findOperation } from './cost';
import type { RequestContext } from './resolvers';
import { isConnectionTypeName } from './schema';

type Rec = Record<string, unknown>;
type Projector = (source: Rec, ctx: RequestContext) => Rec;

interface Compiled {
  key: string;
  name: string;
  args: Rec;
  /** Only on records of this type (or of a type within this interface or union). */
  condition?: GraphQLNamedType;
  connection: boolean;
  sub?: Projector;
}

export function compileProjector(schema: GraphQLSchema, document: DocumentNode): Projector {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === 'FragmentDefinition') fragments.set(d.name.value, d);
  const op = findOperation(document);
  if (!op) throw new Error('bulk query without an operation');

  const fits = (condition: GraphQLNamedType, typename: string): boolean => {
    if (condition.name === typename) return true;
    const concrete = schema.getType(typename);
    return isAbstractType(condition) && concrete !== undefined && 'getInterfaces' in concrete
      ? schema.isSubType(condition, concrete as never)
      : false;
  };

  const compileSet = (set: SelectionSetNode, parent: GraphQLCompositeType): Projector => {
    const fields: Compiled[] = [];
    const collect = (selections: SelectionSetNode, condition?: GraphQLNamedType) => {
      for (const sel of selections.selections) {
        if (sel.kind === 'Field') {
          const name = sel.name.value;
          const key = sel.alias?.value ?? name;
          const args: Rec = {};
          for (const a of sel.arguments ?? []) args[a.name.value] = valueFromASTUntyped(a.value, {});
          if (name === '__typename') {
            fields.push({ key, name, args, condition, connection: false });
            continue;
          }
          const owner = (condition ?? parent) as GraphQLCompositeType;
          const def = 'getFields' in owner ? owner.getFields()[name] : undefined;
          if (!def) throw new Error(`bulk query selects unknown field ${owner.name}.${name}`);
          const named = getNamedType(def.type);
          fields.push({
            key,
            name,
            args,
            condition,
            connection: isConnectionTypeName(named.name),
            sub:
              sel.selectionSet && !isLeafType(named)
                ? compileSet(sel.selectionSet, named as GraphQLCompositeType)
                : undefined,
          });
        } else {
          const fragment = sel.kind === 'InlineFragment' ? sel : fragments.get(sel.name.value);
          if (!fragment) continue;
          const type = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : undefined;
          collect(fragment.selectionSet, type ?? condition);
        }
      }
    };
    collect(set);
    const own = parent.name;
    return (source, ctx) => {
      const out: Rec = {};
      const typename = (source.__typename as string | undefined) ?? own;
      for (const f of fields) {
        if (f.condition && !fits(f.condition, typename)) continue;
        if (f.name === '__typename') {
          out[f.key] = typename;
          continue;
        }
        let value = source[f.name];
        if (typeof value === 'function') value = (value as (a: Rec, c: RequestContext) => unknown)(f.args, ctx);
        if (Array.isArray(value)) {
          if (f.connection) value = listConnection(value as object[], f.args as ConnectionArgs, f.name, true);
          else if (typeof f.args.first === 'number') value = value.slice(0, f.args.first);
        }
        if (value === undefined || value === null || !f.sub) out[f.key] = value ?? null;
        else if (Array.isArray(value)) {
          const sub = f.sub;
          out[f.key] = value.map((item) => (item === null || item === undefined ? null : sub(item as Rec, ctx)));
        } else out[f.key] = f.sub(value as Rec, ctx);
      }
      return out;
    };
  };

  return compileSet(op.selectionSet, schema.getQueryType()!);
}
