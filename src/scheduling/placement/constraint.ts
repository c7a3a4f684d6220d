/**
 * Placement constraints as the API gives them ({type, expression}), validated and compiled once.
 * distinctInstance: at most one task of the group per instance. memberOf: the instance matches a
 * cluster query expression.
 */
import { AwsError } from '../../domain/aws-error.js';
import { parseClusterQuery, type ClusterQuery } from '../../domain/ecs/cluster-query.js';

export type PlacementConstraint =
  | { readonly type: 'distinctInstance' }
  | { readonly type: 'memberOf'; readonly expression: string; readonly query: ClusterQuery };

/** ECS's limit on constraints per request (task definition's and the request's together). */
export const MAX_CONSTRAINTS = 10;

const invalid = (message: string): AwsError => new AwsError('InvalidParameterException', message);

export function parseConstraints(raw: readonly unknown[] | undefined): PlacementConstraint[] {
  const list = raw ?? [];
  if (list.length > MAX_CONSTRAINTS) throw invalid(`placementConstraints can have at most ${MAX_CONSTRAINTS} items.`);
  return list.map((item): PlacementConstraint => {
    const c = (item ?? {}) as { type?: unknown; expression?: unknown };
    if (c.type === 'distinctInstance') {
      if (c.expression !== undefined && c.expression !== '') throw invalid('A distinctInstance placement constraint takes no expression.');
      return { type: 'distinctInstance' };
    }
    if (c.type === 'memberOf') {
      if (typeof c.expression !== 'string' || c.expression.trim() === '') throw invalid('A memberOf placement constraint needs an expression.');
      return { type: 'memberOf', expression: c.expression, query: parseClusterQuery(c.expression) };
    }
    throw invalid(`Unknown placement constraint type: ${String(c.type)}. Use distinctInstance or memberOf.`);
  });
}
