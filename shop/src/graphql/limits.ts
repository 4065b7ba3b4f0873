import {
  GraphQLError,
  Kind,
  getNamedType,
  isListType,
  isNonNullType,
  isObjectType,
  type FieldNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

/**
 * What one GraphQL request may ask for. Every limit is checked before anything runs (no resolver, no query): a
 * document over one is refused whole with a 400 and its code (docs/API.md, "GraphQL").
 */

/** Fields nested in fields, as Mercurius counts them: the deepest query a client needs is 8 (orders → items → product → category → products → items → category → name). */
export const MAX_DEPTH = 8;

/** The estimated work of one request (below): a full page of 100 products with every field costs about 1,800. */
export const MAX_COST = 5_000;

/** Tokens of one document: parsing stops there, so a huge document costs no more than a big one. */
export const MAX_TOKENS = 2_000;

/** A list with no page size (categories, orders, a cart's items) is counted as this many entries. */
const LIST_ESTIMATE = 10;

/** The listing's page sizes (GET /api/products): the default, and the most a variable may ask for. */
const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;

/** Lists whose length the page size of the field above them already counted. */
const PAGED_LISTS = new Set(['ProductPage.items']);

/** The page size a field asks for: its literal, the most a variable could be, or the default. */
function pageSizeOf(node: FieldNode): number {
  const argument = node.arguments?.find((candidate) => candidate.name.value === 'pageSize');
  if (!argument || argument.value.kind === Kind.NULL) return DEFAULT_PAGE_SIZE;
  if (argument.value.kind === Kind.INT) return Math.min(Math.max(Number(argument.value.value), 1), MAX_PAGE_SIZE);
  return MAX_PAGE_SIZE;
}

/** How many times a field's selection runs for one of it. */
function multiplierOf(parent: GraphQLNamedType, field: GraphQLField<unknown, unknown>, node: FieldNode): number {
  if (field.args.some((argument) => argument.name === 'pageSize')) return pageSizeOf(node);
  const type: GraphQLOutputType = isNonNullType(field.type) ? field.type.ofType : field.type;
  if (!isListType(type)) return 1;
  return PAGED_LISTS.has(`${parent.name}.${field.name}`) ? 1 : LIST_ESTIMATE;
}

/**
 * A field costs 1, plus its selection's cost times how many of it there may be (a page size, or the estimate of a
 * list). Fragments count where they are spread (each once per spread, its cost computed once); a fragment cycle,
 * which the specified rules refuse anyway, counts nothing.
 */
class CostCounter {
  private readonly fragmentCosts = new Map<string, number>();
  private readonly visiting = new Set<string>();

  constructor(private readonly context: ValidationContext) {}

  selectionCost(selectionSet: SelectionSetNode | undefined, parent: GraphQLNamedType | undefined): number {
    if (!selectionSet) return 0;
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) cost += this.fieldCost(selection, parent);
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition && this.context.getSchema().getType(selection.typeCondition.name.value);
        cost += this.selectionCost(selection.selectionSet, condition ?? parent);
      } else cost += this.fragmentCost(selection.name.value);
    }
    return cost;
  }

  private fieldCost(node: FieldNode, parent: GraphQLNamedType | undefined): number {
    const field = parent && isObjectType(parent) ? parent.getFields()[node.name.value] : undefined;
    // An unknown field or __typename: the specified rules judge the first, the second costs nothing to answer.
    if (!parent || !field) return node.name.value.startsWith('__') ? 0 : 1;
    return 1 + multiplierOf(parent, field, node) * this.selectionCost(node.selectionSet, getNamedType(field.type));
  }

  private fragmentCost(name: string): number {
    const known = this.fragmentCosts.get(name);
    if (known !== undefined) return known;
    const fragment = this.context.getFragment(name);
    if (!fragment || this.visiting.has(name)) return 0;
    this.visiting.add(name);
    const cost = this.selectionCost(fragment.selectionSet, this.context.getSchema().getType(fragment.typeCondition.name.value) ?? undefined);
    this.visiting.delete(name);
    this.fragmentCosts.set(name, cost);
    return cost;
  }
}

/** A validation rule: each operation over MAX_COST is refused with QUERY_TOO_COMPLEX, its cost and the limit. */
export const costLimit: ValidationRule = (context) => {
  const counter = new CostCounter(context);
  return {
    OperationDefinition(operation) {
      const root = context.getSchema().getRootType(operation.operation) ?? undefined;
      const cost = counter.selectionCost(operation.selectionSet, root);
      if (cost > MAX_COST) {
        context.reportError(
          new GraphQLError(`The query is too complex: its estimated cost is ${cost}, and at most ${MAX_COST} is allowed`, {
            nodes: operation,
            extensions: { code: 'QUERY_TOO_COMPLEX', cost, maxCost: MAX_COST },
          }),
        );
      }
    },
  };
};
