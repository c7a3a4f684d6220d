/** DescribeAccountLimits. */
import { accountLimits } from '../../domain/elbv2/account-limits.js';
import type { ServiceHandlers } from '../api/operation.js';
import { page } from './paging.js';

export function accountLimitHandlers(): ServiceHandlers {
  return {
    async DescribeAccountLimits(input) {
      const p = page(accountLimits(), input.Marker, input.PageSize);
      return { Limits: p.items, NextMarker: p.NextMarker };
    },
  };
}
