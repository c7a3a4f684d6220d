import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adoptionRefusal, computePlan, renderPlan, resolveActions, type CurrentState } from './plan.js';
import { parseStack } from './stack.js';

const TG_ARN = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/0123456789abcdef';
const LB_ARN = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/edge/fedcba9876543210';
const TD_ARN = 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:3';

const stackText = `
cluster: default
targetGroups:
  - Name: web
    Protocol: HTTP
    Port: 80
    HealthCheckPath: /
    Attributes: { deregistration_delay.timeout_seconds: 5 }
loadBalancers:
  - Name: edge
    Scheme: internal
    Listeners:
      - Port: 80
        Protocol: HTTP
        DefaultActions: [{ Type: forward, TargetGroupName: web }]
        Rules:
          - Priority: 10
            Conditions: [{ Field: path-pattern, Values: ['/api/*'] }]
            Actions: [{ Type: forward, TargetGroupName: web }]
taskDefinitions:
  - family: web
    containerDefinitions:
      - name: web
        image: app:1
        memory: 128
        portMappings: [{ containerPort: 80, hostPort: 0 }]
services:
  - serviceName: web
    taskDefinition: web
    desiredCount: 2
    loadBalancers: [{ targetGroupName: web, containerName: web, containerPort: 80 }]
`;

function empty(): CurrentState {
  return { targetGroups: new Map(), loadBalancers: new Map(), taskDefinitions: new Map(), services: new Map() };
}

/** The state the API reports right after the stack was applied, with the defaults it fills in. */
function applied(): CurrentState {
  const forward = [{ Type: 'forward', TargetGroupArn: TG_ARN, Order: 1, ForwardConfig: { TargetGroups: [{ TargetGroupArn: TG_ARN, Weight: 1 }] } }];
  return {
    targetGroups: new Map([
      [
        'web',
        {
          arn: TG_ARN,
          fields: { TargetGroupName: 'web', Protocol: 'HTTP', Port: 80, HealthCheckPath: '/', HealthCheckIntervalSeconds: 30 },
          attributes: { 'deregistration_delay.timeout_seconds': '5', 'stickiness.enabled': 'false' },
        },
      ],
    ]),
    loadBalancers: new Map([
      [
        'edge',
        {
          arn: LB_ARN,
          fields: { LoadBalancerName: 'edge', Scheme: 'internal', Type: 'application' },
          listeners: [
            {
              arn: `${LB_ARN}/l1`,
              Port: 80,
              Protocol: 'HTTP',
              DefaultActions: forward,
              rules: [
                { arn: 'r-default', Priority: 'default', IsDefault: true, Actions: forward },
                {
                  arn: 'r10',
                  Priority: '10',
                  Conditions: [{ Field: 'path-pattern', Values: ['/api/*'], PathPatternConfig: { Values: ['/api/*'] } }],
                  Actions: forward,
                },
              ],
            },
          ],
        },
      ],
    ]),
    taskDefinitions: new Map([
      [
        'web',
        {
          arn: TD_ARN,
          fields: {
            family: 'web',
            revision: 3,
            containerDefinitions: [
              {
                name: 'web',
                image: 'app:1',
                memory: 128,
                cpu: 0,
                essential: true,
                portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }],
                environment: [],
              },
            ],
          },
        },
      ],
    ]),
    services: new Map([
      [
        'default/web',
        {
          arn: 'svc',
          fields: {
            serviceName: 'web',
            taskDefinition: TD_ARN,
            desiredCount: 2,
            launchType: 'EC2',
            loadBalancers: [{ targetGroupArn: TG_ARN, containerName: 'web', containerPort: 80 }],
          },
        },
      ],
    ]),
  };
}

/** The state as stack `name` left it: everything carries its berth:stack tag. */
function taggedAs(state: CurrentState, name: string): CurrentState {
  for (const r of [...state.targetGroups.values(), ...state.loadBalancers.values(), ...state.services.values()]) r.stackTag = name;
  return state;
}

const ops = (p: ReturnType<typeof computePlan>) => p.items.map((i) => `${i.op} ${i.kind} ${i.label}`);

const cases: { name: string; edit?: (s: string) => string; state: () => CurrentState; prune?: boolean; expect: string[]; fields?: string[] }[] = [
  {
    name: 'nothing exists: everything is created, in dependency order',
    state: empty,
    expect: ['+ targetGroup web', '+ loadBalancer edge', '+ listener edge:80', '+ rule edge:80 priority 10', '+ taskDefinition web', '+ service default/web'],
  },
  { name: 'everything as the file says (API defaults aside): no changes', state: applied, expect: [] },
  {
    name: 'a changed image: a new revision, and the service moves to it',
    edit: (s) => s.replace('image: app:1', 'image: app:2'),
    state: applied,
    expect: ['~ taskDefinition web (new revision)', '~ service default/web'],
    fields: ['containerDefinitions', 'taskDefinition'],
  },
  {
    name: 'health check path, an attribute and the desired count change in place',
    edit: (s) =>
      s
        .replace('HealthCheckPath: /', 'HealthCheckPath: /health')
        .replace('timeout_seconds: 5', 'timeout_seconds: 0')
        .replace('desiredCount: 2', 'desiredCount: 3'),
    state: applied,
    expect: ['~ targetGroup web', '~ service default/web'],
    fields: ['HealthCheckPath', 'Attributes.deregistration_delay.timeout_seconds', 'desiredCount'],
  },
  {
    name: 'a changed rule condition updates the rule only',
    edit: (s) => s.replace("'/api/*'", "'/v2/*'"),
    state: applied,
    expect: ['~ rule edge:80 priority 10'],
    fields: ['Conditions'],
  },
  {
    name: 'a rule and a listener gone from the file are kept without prune',
    edit: (s) => s.replace(/\n +Rules:[\s\S]*?TargetGroupName: web \}\]\n(?=taskDefinitions)/, '\n'),
    state: applied,
    expect: [],
  },
  {
    name: 'with prune, the rule gone from the file is deleted, and a listener not in the file too',
    edit: (s) => s.replace(/\n +Rules:[\s\S]*?TargetGroupName: web \}\]\n(?=taskDefinitions)/, '\n'),
    state: () => {
      const s = applied();
      s.loadBalancers.get('edge')!.listeners.push({ arn: 'l8080', Port: 8080, Protocol: 'HTTP', DefaultActions: [], rules: [] });
      return s;
    },
    prune: true,
    expect: ['- rule edge:80 priority 10', '- listener edge:8080'],
  },
  {
    name: 'with prune, what this stack created and the file no longer has is deleted: services, then load balancers, then target groups',
    edit: (s) => `name: shop\n${s}`,
    state: () => {
      const s = taggedAs(applied(), 'shop');
      s.owned = {
        targetGroups: [
          { name: 'web', arn: TG_ARN },
          { name: 'old-tg', arn: 'tg-old' },
        ],
        loadBalancers: [
          { name: 'edge', arn: LB_ARN },
          { name: 'old-lb', arn: 'lb-old' },
        ],
        services: [
          { cluster: 'default', name: 'web', arn: 'svc' },
          { cluster: 'default', name: 'old', arn: 'svc-old' },
        ],
      };
      return s;
    },
    prune: true,
    expect: ['- service default/old', '- loadBalancer old-lb', '- targetGroup old-tg'],
  },
  {
    name: 'without prune, owned resources missing from the file stay',
    edit: (s) => `name: shop\n${s}`,
    state: () => {
      const s = taggedAs(applied(), 'shop');
      s.owned = { targetGroups: [{ name: 'old-tg', arn: 'tg-old' }], loadBalancers: [], services: [] };
      return s;
    },
    expect: [],
  },
  {
    name: 'a named stack adopts what it did not tag (the AWS CLI made it), listed first, before its updates',
    edit: (s) => `name: shop\n${s.replace('desiredCount: 2', 'desiredCount: 3')}`,
    state: () => {
      const s = taggedAs(applied(), 'shop');
      delete s.targetGroups.get('web')!.stackTag;
      s.services.get('default/web')!.stackTag = 'other';
      return s;
    },
    expect: ['adopt targetGroup web', 'adopt service default/web', '~ service default/web'],
  },
  { name: 'a named stack on what it tagged: nothing to adopt', edit: (s) => `name: shop\n${s}`, state: () => taggedAs(applied(), 'shop'), expect: [] },
  {
    name: 'a stack without a name adopts only what another stack tagged',
    state: () => {
      const s = applied();
      s.loadBalancers.get('edge')!.stackTag = 'shop';
      return s;
    },
    expect: ['adopt loadBalancer edge'],
  },
  {
    name: 'a service pinned to an explicit revision differs from the one running',
    edit: (s) => s.replace('taskDefinition: web\n', 'taskDefinition: web:2\n'),
    state: applied,
    expect: ['~ service default/web'],
    fields: ['taskDefinition'],
  },
  {
    name: 'an INACTIVE (absent) service is created again',
    state: () => {
      const s = applied();
      s.services.clear();
      return s;
    },
    expect: ['+ service default/web'],
  },
];

for (const c of cases) {
  test(`plan: ${c.name}`, () => {
    const stack = parseStack(c.edit ? c.edit(stackText) : stackText);
    const plan = computePlan(stack, c.state(), { prune: c.prune ?? false });
    assert.deepEqual(plan.errors, []);
    assert.deepEqual(ops(plan), c.expect);
    if (c.fields)
      assert.deepEqual(
        plan.items.flatMap((i) => i.changes.map((ch) => ch.field)),
        c.fields,
      );
  });
}

test('plan: an immutable target-group field is an error, not a silent replace', () => {
  const plan = computePlan(parseStack(stackText.replace('Port: 80\n    HealthCheckPath', 'Port: 8080\n    HealthCheckPath')), applied());
  assert.equal(plan.errors.length, 1);
  assert.match(plan.errors[0]!, /target group web: Port cannot change in place \(80 -> 8080\)/);
});

test('plan: the new revision shows as the service change', () => {
  const plan = computePlan(parseStack(stackText.replace('image: app:1', 'image: app:2')), applied());
  const svc = plan.items.find((i) => i.kind === 'service')!;
  assert.deepEqual(svc.changes[0], { field: 'taskDefinition', from: 'web:3', to: 'web:(new revision)' });
});

test('renderPlan: symbols, changed fields, totals; "no changes" when empty', () => {
  const text = renderPlan(computePlan(parseStack(stackText.replace('desiredCount: 2', 'desiredCount: 4')), applied()));
  assert.equal(text, '~ service default/web\n    desiredCount: 2 -> 4\n\nPlan: 0 to create, 1 to update, 0 to delete.\n');
  assert.equal(renderPlan({ items: [], errors: [] }), 'No changes. The stack is up to date.\n');
});

test('resolveActions swaps TargetGroupName for the ARN', () => {
  assert.deepEqual(
    resolveActions([{ Type: 'forward', TargetGroupName: 'web' }], () => TG_ARN),
    [{ Type: 'forward', TargetGroupArn: TG_ARN }],
  );
});

test('renderPlan shows nested changes down to the differing leaf', () => {
  const text = renderPlan(computePlan(parseStack(stackText.replace('image: app:1', 'image: app:2')), applied()));
  assert.match(
    text,
    /^~ taskDefinition web \(new revision\)\n    containerDefinitions\[0\]\.image: "app:1" -> "app:2"\n~ service default\/web\n    taskDefinition: "web:3" -> "web:\(new revision\)"\n/,
  );
});

test('adopt: the plan says "adopt" and counts it; the refusal is one line naming each resource', () => {
  const state = applied();
  const plan = computePlan(parseStack(`name: shop\n${stackText}`), state);
  assert.match(renderPlan(plan), /^adopt targetGroup web\nadopt loadBalancer edge\nadopt service default\/web\n/);
  assert.match(renderPlan(plan), /Plan: 0 to create, 0 to update, 0 to delete, 3 to adopt\.\n$/);
  assert.equal(adoptionRefusal(plan), 'this stack did not create targetGroup web, loadBalancer edge, service default/web; pass --adopt to take them over');
  assert.equal(adoptionRefusal(computePlan(parseStack(stackText), applied())), undefined);
});
