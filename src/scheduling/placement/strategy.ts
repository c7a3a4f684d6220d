/**
 * Placement strategies as the API gives them ({type, field}), validated. They apply in list order:
 * each breaks the ties the one before it leaves, and what is still tied is broken at random.
 */
import { AwsError } from '../../domain/aws-error.js';

export type PlacementStrategy =
  | { readonly type: 'binpack'; readonly field: 'cpu' | 'memory' }
  | { readonly type: 'spread'; readonly field: string }
  | { readonly type: 'random' };

export const MAX_STRATEGIES = 5;

export const AVAILABILITY_ZONE_SPREAD: PlacementStrategy = { type: 'spread', field: 'attribute:ecs.availability-zone' };
export const INSTANCE_SPREAD: PlacementStrategy = { type: 'spread', field: 'instanceId' };

/** What ECS uses for a service that names no strategy: balance over zones, then over instances. */
export const SERVICE_DEFAULT_STRATEGIES: readonly PlacementStrategy[] = [AVAILABILITY_ZONE_SPREAD, INSTANCE_SPREAD];

export const RUN_TASK_DEFAULT_STRATEGIES: readonly PlacementStrategy[] = [{ type: 'random' }];

const invalid = (message: string): AwsError => new AwsError('InvalidParameterException', message);

/** Validates the wire form; an empty or absent list gives `defaults`. */
export function parseStrategies(raw: readonly unknown[] | undefined, defaults: readonly PlacementStrategy[]): PlacementStrategy[] {
  const list = raw ?? [];
  if (list.length === 0) return [...defaults];
  if (list.length > MAX_STRATEGIES) throw invalid(`placementStrategy can have at most ${MAX_STRATEGIES} items.`);
  return list.map((item): PlacementStrategy => {
    const s = (item ?? {}) as { type?: unknown; field?: unknown };
    const field = typeof s.field === 'string' ? s.field : undefined;
    switch (s.type) {
      case 'random':
        if (field !== undefined && field !== '') throw invalid('The random placement strategy takes no field.');
        return { type: 'random' };
      case 'binpack': {
        const f = field?.toLowerCase();
        if (f !== 'cpu' && f !== 'memory') throw invalid(`Invalid binpack field: ${String(field)}. Use cpu or memory.`);
        return { type: 'binpack', field: f };
      }
      case 'spread': {
        if (field === undefined || !(field === 'instanceId' || field === 'host' || /^attribute:\S+$/.test(field))) {
          throw invalid(`Invalid spread field: ${String(field)}. Use instanceId, host or attribute:<name>.`);
        }
        return { type: 'spread', field: field === 'host' ? 'instanceId' : field };
      }
      default:
        throw invalid(`Unknown placement strategy type: ${String(s.type)}. Use random, spread or binpack.`);
    }
  });
}
