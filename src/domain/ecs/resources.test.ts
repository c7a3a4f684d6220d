import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { capacityOf, remainingResources, reservationOf, type TaskOverrides } from './resources.js';
import type { Reservation, Resource, TaskDefinitionRecord } from './records.js';

const td = (over: Partial<TaskDefinitionRecord>): TaskDefinitionRecord =>
  ({ networkMode: 'bridge', containerDefinitions: [], ...over }) as TaskDefinitionRecord;

const registered: Resource[] = [
  { name: 'CPU', type: 'INTEGER', integerValue: 1024 },
  { name: 'MEMORY', type: 'INTEGER', integerValue: 2048 },
  { name: 'PORTS', type: 'STRINGSET', stringSetValue: ['22', '2375'] },
  { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: [] },
];

describe('reservationOf', () => {
  const cases: [string, TaskDefinitionRecord, TaskOverrides, Reservation][] = [
    [
      'bridge: dynamic ports are not reserved, static ones are',
      td({
        containerDefinitions: [
          {
            name: 'a',
            cpu: 128,
            memory: 256,
            portMappings: [
              { containerPort: 80, hostPort: 0 },
              { containerPort: 81, hostPort: 8081 },
            ],
          },
          { name: 'b', memoryReservation: 64, memory: 512, portMappings: [{ containerPort: 53, hostPort: 53, protocol: 'udp' }] },
        ],
      }),
      {},
      { cpu: 128, memory: 320, ports: [8081], portsUdp: [53], dynamicPorts: 1 },
    ],
    [
      'host mode: the container port is the host port',
      td({ networkMode: 'host', containerDefinitions: [{ name: 'a', memory: 10, portMappings: [{ containerPort: 9000 }] }] }),
      {},
      { cpu: 0, memory: 10, ports: [9000], portsUdp: [] },
    ],
    [
      'awsvpc holds no host ports; task-level sizes win',
      td({
        networkMode: 'awsvpc',
        cpu: '512',
        memory: '1024',
        containerDefinitions: [{ name: 'a', cpu: 1, portMappings: [{ containerPort: 80, hostPort: 80 }] }],
      }),
      {},
      { cpu: 512, memory: 1024, ports: [], portsUdp: [] },
    ],
    [
      'container overrides replace the definition values',
      td({ containerDefinitions: [{ name: 'a', cpu: 10, memory: 100 }] }),
      { containerOverrides: [{ name: 'a', cpu: 20, memoryReservation: 50 }] },
      { cpu: 20, memory: 50, ports: [], portsUdp: [] },
    ],
  ];
  for (const [name, def, overrides, want] of cases) test(name, () => assert.deepEqual(reservationOf(def, overrides), want));
});

describe('capacity', () => {
  const r = (cpu: number, memory: number, ports: number[] = []): Reservation => ({ cpu, memory, ports, portsUdp: [] });
  test('running and pending tasks hold resources, stopped ones do not', () => {
    const cap = capacityOf({ registeredResources: registered }, [
      { lastStatus: 'RUNNING', reservation: r(256, 512, [8080]) },
      { lastStatus: 'PROVISIONING', reservation: r(256, 512) },
      { lastStatus: 'STOPPED', reservation: r(512, 1024, [9090]) },
    ]);
    assert.equal(cap.cpu, 512);
    assert.equal(cap.memory, 1024);
    assert.deepEqual(
      remainingResources({ registeredResources: registered }, cap).map((x) => x.integerValue ?? x.stringSetValue),
      [512, 1024, ['22', '2375', '8080'], []],
    );
  });
  // Whether a task fits is placement's question (src/scheduling/placement/place.ts, its filters): capacity is what it reads.
  test('held ports: the registered ones and those of live tasks', () => {
    const cap = capacityOf({ registeredResources: registered }, [{ lastStatus: 'RUNNING', reservation: r(0, 0, [8080]) }]);
    assert.deepEqual([...cap.ports].sort(), [22, 2375, 8080]);
  });
});

describe('accounting never goes above what was registered', () => {
  const bad = (cpu: number, memory: number): Reservation => ({ cpu, memory, ports: [], portsUdp: [] });
  test('a negative reservation (a record from before validation) takes nothing and gives nothing back', () => {
    const cap = capacityOf({ registeredResources: registered }, [
      { lastStatus: 'RUNNING', reservation: bad(-5000, -4096) },
      { lastStatus: 'RUNNING', reservation: bad(256, 512) },
    ]);
    assert.equal(cap.cpu, 1024 - 256);
    assert.equal(cap.memory, 2048 - 512);
    const remaining = remainingResources({ registeredResources: registered }, cap);
    assert.equal(remaining.find((r) => r.name === 'CPU')!.integerValue, 768);
  });
  test('remaining is shown within [0, registered] even when over-committed', () => {
    const cap = capacityOf({ registeredResources: registered }, [{ lastStatus: 'RUNNING', reservation: bad(4096, 4096) }]);
    assert.equal(cap.cpu < 0, true, 'placement still sees the over-commitment');
    const remaining = remainingResources({ registeredResources: registered }, cap);
    assert.equal(remaining.find((r) => r.name === 'CPU')!.integerValue, 0);
    assert.equal(remaining.find((r) => r.name === 'MEMORY')!.integerValue, 0);
  });
  test('task sizes in vCPU and GB reserve units and MiB', () => {
    assert.deepEqual(reservationOf(td({ cpu: '0.5 vCPU', memory: '1 GB', containerDefinitions: [{ name: 'a', memory: 64 }] })), bad(512, 1024));
  });
});

describe('dynamic host ports are a counted resource', () => {
  const instance = (range?: string) => ({
    registeredResources: registered,
    attributes: range ? [{ name: 'berth.dynamic-port-range', value: range }] : [],
  });
  const dyn = (n: number, ports: number[] = []): Reservation => ({ cpu: 0, memory: 0, ports, portsUdp: [], dynamicPorts: n });
  test("the agent's range less static ports in it and the dynamic ports live tasks hold", () => {
    const cap = capacityOf(instance('20000-20009'), [
      { lastStatus: 'RUNNING', reservation: dyn(3, [20005]) },
      { lastStatus: 'STOPPED', reservation: dyn(4) },
    ]);
    assert.equal(cap.dynamicPorts, 10 - 1 - 3);
  });
  test('no range named: not limited', () => {
    assert.equal(capacityOf(instance(), [{ lastStatus: 'RUNNING', reservation: dyn(50) }]).dynamicPorts, Infinity);
  });
});
