/** The ECS operations Berth serves, by model operation name. */
import type { ServiceHandlers } from '../api/operation.js';
import { guardFieldSupport } from '../api/field-support-guard.js';
import { ECS_QUOTAS } from '../../domain/ecs/quotas.js';
import { validateTaskDefinition } from '../../domain/ecs/task-definition.js';
import { accountSettingHandlers } from './account-settings.js';
import { attributeHandlers } from './attributes.js';
import { clusterUpdateHandlers } from './cluster-updates.js';
import { clusterHandlers } from './clusters.js';
import { containerInstanceHandlers } from './container-instances.js';
import type { EcsDeps } from './ecs-context.js';
import { serviceHandlers } from './services.js';
import { serviceDeploymentHandlers } from './service-deployments.js';
import { tagHandlers } from './tags.js';
import { taskDefinitionHandlers } from './task-definitions.js';
import { taskDefinitionDeletionHandlers } from './task-definition-deletion.js';
import { taskHandlers } from './tasks.js';
import { validateLogConfiguration } from '../../domain/ecs/log-configuration.js';

export type { EcsDeps } from './ecs-context.js';

/** Every operation behind the field-support table; RegisterTaskDefinition's ECS rules speak first. */
export function createEcsHandlers(deps: EcsDeps): ServiceHandlers {
  const quotas = deps.quotas ?? ECS_QUOTAS;
  return guardFieldSupport(
    'ecs',
    {
      ...clusterHandlers(deps),
      ...clusterUpdateHandlers(deps),
      ...accountSettingHandlers(deps),
      ...taskDefinitionHandlers(deps),
      ...taskDefinitionDeletionHandlers(deps),
      ...serviceHandlers(deps),
      ...serviceDeploymentHandlers(deps),
      ...taskHandlers(deps),
      ...containerInstanceHandlers(deps),
      ...attributeHandlers(deps),
      ...tagHandlers(deps),
    },
    {
      RegisterTaskDefinition: (input, ctx) => {
        validateTaskDefinition(input, quotas);
        for (const c of input.containerDefinitions ?? []) validateLogConfiguration(c.name ?? '', c.logConfiguration, ctx.region);
      },
    },
  );
}
