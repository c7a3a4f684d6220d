/** One balancer per algorithm name (the `load_balancing.algorithm.type` attribute). */
import type { Algorithm } from '../routing-table.js';
import type { Balancer } from './balancer.js';
import { LeastOutstandingRequestsBalancer } from './least-outstanding-requests.js';
import { RoundRobinBalancer } from './round-robin.js';
import { WeightedRandomBalancer } from './weighted-random.js';

export const balancerFactories: Readonly<Record<Algorithm, () => Balancer>> = {
  round_robin: () => new RoundRobinBalancer(),
  least_outstanding_requests: () => new LeastOutstandingRequestsBalancer(),
  weighted_random: () => new WeightedRandomBalancer(),
};

export function createBalancer(algorithm: Algorithm): Balancer {
  return balancerFactories[algorithm]();
}
