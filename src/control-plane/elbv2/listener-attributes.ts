/** DescribeListenerAttributes and ModifyListenerAttributes, over the catalogue of attributes Berth honours. */
import { keys } from '../../domain/keys.js';
import { attributeList, listenerAttributeCatalogue, modifyListenerAttributes } from '../../domain/elbv2/attributes.js';
import type { Handlers, Reply } from '../api/operation.js';
import type { Elbv2Deps } from './deps.js';
import { getListener, idOf } from './repository.js';
import { transact } from './transact.js';

export function listenerAttributeHandlers(deps: Elbv2Deps): Handlers<'elbv2'> {
  const { store } = deps;
  return {
    async DescribeListenerAttributes(input, ctx): Reply<'elbv2', 'DescribeListenerAttributes'> {
      const listener = await transact(store, (tx) => getListener(tx, input.ListenerArn, ctx));
      return { Attributes: attributeList(listenerAttributeCatalogue, listener.attributes ?? {}) };
    },

    async ModifyListenerAttributes(input, ctx): Reply<'elbv2', 'ModifyListenerAttributes'> {
      const listener = await transact(store, async (tx) => {
        const listener = await getListener(tx, input.ListenerArn, ctx);
        const next = { ...listener, attributes: modifyListenerAttributes(listener.attributes ?? {}, input.Attributes ?? []) };
        tx.put(keys.listener(idOf.listener(listener.ListenerArn)), next);
        return next;
      });
      return { Attributes: attributeList(listenerAttributeCatalogue, listener.attributes) };
    },
  };
}
