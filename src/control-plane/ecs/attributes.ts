/**
 * PutAttributes, ListAttributes, DeleteAttributes: custom attributes on container instances (the
 * model's only target type). They live in the instance record's `attributes`, where placement's
 * memberOf expressions and ListContainerInstances' filter read them.
 */
import type { Store } from '../../store/store.js';
import type { Handlers, Reply } from '../api/operation.js';
import { AwsError } from '../../domain/aws-error.js';
import { keys } from '../../domain/keys.js';
import { parseEcsArn } from '../../domain/ecs/arn.js';
import { attributeProblem, isBuiltIn, MAX_CUSTOM_ATTRIBUTES, withAttributes, withoutAttributes } from '../../domain/ecs/attribute.js';
import type { Attribute, ClusterRecord, ContainerInstanceRecord } from '../../domain/ecs/records.js';
import { clusterKeyOf, errors, listValues, requireCluster, updateRecord, type EcsDeps } from './ecs-context.js';
import { paginate } from './paging.js';

const MAX_PER_CALL = 10;
const TARGET_TYPE = 'container-instance';

// The model's wording for these exceptions, with the target named.
const targetNotFound = (id: string) =>
  new AwsError(
    'TargetNotFoundException',
    `The specified target wasn't found: ${id}. You can view your available container instances with ListContainerInstances. Amazon ECS container instances are cluster-specific and Region-specific.`,
  );

/** The instance id an attribute's targetId names in `cluster` (short id with targetType, or ARN). */
function targetIdOf(a: Attribute, cluster: ClusterRecord): string {
  if (a.targetId === undefined || a.targetId === '') throw errors.invalid(`attributes: targetId is required (attribute ${a.name}).`);
  if (!a.targetId.startsWith('arn:')) {
    if (a.targetType === undefined) throw errors.invalid(`attributes: targetType is required with the short target ID ${a.targetId}.`);
    return a.targetId;
  }
  const p = parseEcsArn(a.targetId);
  if (p?.kind !== 'container-instance' || (a.targetType !== undefined && a.targetType !== TARGET_TYPE)) {
    throw errors.invalid(`attributes: targetId ${a.targetId} is not a container instance ARN.`);
  }
  // An ARN of another cluster (or region) names nothing in this one.
  if (p.cluster !== cluster.clusterName || a.targetId.split(':')[3] !== cluster.clusterArn.split(':')[3]) throw targetNotFound(a.targetId);
  return p.id;
}

function checkBatch(attributes: Attribute[], forDelete: boolean): void {
  if (attributes.length === 0) throw errors.invalid('attributes cannot be empty.');
  if (attributes.length > MAX_PER_CALL) throw errors.invalid(`attributes can have at most ${MAX_PER_CALL} items.`);
  for (const a of attributes) {
    const problem = attributeProblem(a, forDelete);
    if (problem) throw errors.invalid(problem);
  }
}

/** Groups the attributes by the instance they target, checking each target exists. */
async function byTarget(store: Store, cluster: ClusterRecord, attributes: Attribute[]): Promise<Map<string, Attribute[]>> {
  const out = new Map<string, Attribute[]>();
  for (const a of attributes) {
    const id = targetIdOf(a, cluster);
    const rec = await store.get<ContainerInstanceRecord>(keys.containerInstance(clusterKeyOf(cluster), id));
    if (!rec || rec.value.status === 'INACTIVE') throw targetNotFound(a.targetId ?? id);
    out.set(id, [...(out.get(id) ?? []), a]);
  }
  return out;
}

const wire = (a: Attribute, instance: ContainerInstanceRecord): Attribute => ({
  name: a.name,
  ...(a.value !== undefined ? { value: a.value } : {}),
  targetType: TARGET_TYPE,
  targetId: instance.containerInstanceArn,
});

export function attributeHandlers({ store }: EcsDeps): Handlers<'ecs'> {
  return {
    async PutAttributes(input, ctx): Reply<'ecs', 'PutAttributes'> {
      const cluster = (await requireCluster(store, input.cluster, ctx)).value;
      checkBatch(input.attributes, false);
      const out: Attribute[] = [];
      for (const [id, attrs] of await byTarget(store, cluster, input.attributes)) {
        const updated = await updateRecord<ContainerInstanceRecord>(store, keys.containerInstance(clusterKeyOf(cluster), id), (cur) => {
          if (!cur || cur.status === 'INACTIVE') throw targetNotFound(id);
          const attributes = withAttributes(cur.attributes, attrs);
          if (attributes.filter((a) => !isBuiltIn(a.name)).length > MAX_CUSTOM_ATTRIBUTES) {
            throw new AwsError(
              'AttributeLimitExceededException',
              `You can apply up to ${MAX_CUSTOM_ATTRIBUTES} custom attributes for each resource (${cur.containerInstanceArn}). You can view the attributes of a resource with ListAttributes. You can remove existing attributes on a resource with DeleteAttributes.`,
            );
          }
          const putAttributeNames = [...new Set([...(cur.putAttributeNames ?? []), ...attrs.map((a) => a.name)])];
          return { ...cur, attributes, putAttributeNames, version: cur.version + 1 };
        });
        out.push(...attrs.map((a) => wire(a, updated)));
      }
      return { attributes: out };
    },

    async DeleteAttributes(input, ctx): Reply<'ecs', 'DeleteAttributes'> {
      const cluster = (await requireCluster(store, input.cluster, ctx)).value;
      checkBatch(input.attributes, true);
      const out: Attribute[] = [];
      for (const [id, attrs] of await byTarget(store, cluster, input.attributes)) {
        const names = attrs.map((a) => a.name);
        const updated = await updateRecord<ContainerInstanceRecord>(store, keys.containerInstance(clusterKeyOf(cluster), id), (cur) => {
          if (!cur || cur.status === 'INACTIVE') throw targetNotFound(id);
          const putAttributeNames = (cur.putAttributeNames ?? []).filter((n) => !names.includes(n));
          return { ...cur, attributes: withoutAttributes(cur.attributes, names), putAttributeNames, version: cur.version + 1 };
        });
        out.push(...attrs.map((a) => wire({ name: a.name }, updated)));
      }
      return { attributes: out };
    },

    async ListAttributes(input, ctx): Reply<'ecs', 'ListAttributes'> {
      const cluster = (await requireCluster(store, input.cluster, ctx)).value;
      if (input.attributeValue !== undefined && input.attributeName === undefined) {
        throw errors.invalid('attributeValue: you must also specify an attribute name.');
      }
      const instances = (await listValues<ContainerInstanceRecord>(store, keys.containerInstances(clusterKeyOf(cluster)))).filter(
        (i) => i.status !== 'INACTIVE',
      );
      const all = instances.flatMap((i) =>
        i.attributes
          .filter(
            (a) =>
              (input.attributeName === undefined || a.name === input.attributeName) && (input.attributeValue === undefined || a.value === input.attributeValue),
          )
          .map((a) => wire(a, i)),
      );
      const page = paginate(all, (a) => `${a.targetId}\u0000${a.name}`, input);
      return { attributes: page.items, nextToken: page.nextToken };
    },
  };
}
