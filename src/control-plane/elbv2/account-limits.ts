/** DescribeAccountLimits. */
import { accountLimits } from '../../domain/elbv2/account-limits.js';
import type { Handlers, Reply } from '../api/operation.js';
import { page } from './paging.js';

export function accountLimitHandlers(): Handlers<'elbv2'> {
  return {
    async DescribeAccountLimits(input): Reply<'elbv2', 'DescribeAccountLimits'> {
      const p = page(accountLimits(), input.Marker, input.PageSize);
      return { Limits: p.items, NextMarker: p.NextMarker };
    },
  };
}
