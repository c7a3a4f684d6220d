/** The generator of wire-types/ (scripts/wire-types.ts): the forms it writes, and that the checked-in files are its output. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { generate, generateAll, type RawModel } from '../../../scripts/wire-types.js';
import { packageRoot } from './model.js';
import { SERVICE_TABLE } from './service-table.js';

const model: RawModel = {
  operations: { PutThing: { input: { shape: 'PutThingRequest' }, output: { shape: 'PutThingResponse' } }, Ping: {} },
  shapes: {
    PutThingRequest: {
      type: 'structure',
      required: ['name'],
      members: { name: { shape: 'String' }, mode: { shape: 'Mode' }, at: { shape: 'Stamp' }, tags: { shape: 'Tags' }, 'odd-name': { shape: 'String' } },
    },
    PutThingResponse: { type: 'structure', required: ['thing'], members: { thing: { shape: 'Thing' } } },
    Thing: { type: 'structure', members: { name: { shape: 'String' }, mode: { shape: 'Mode' }, at: { shape: 'Stamp' }, parts: { shape: 'Things' } } },
    Things: { type: 'list', member: { shape: 'Thing' } },
    Tags: { type: 'map', key: { shape: 'String' }, value: { shape: 'String' } },
    Mode: { type: 'string', enum: ['on', 'off'] },
    Stamp: { type: 'timestamp' },
    String: { type: 'string' },
  },
};

test('inputs as the decoders give them, outputs as the encoders take them', () => {
  const text = generate('ecs', model);
  assert.match(text, /PutThing: \{ input: PutThingRequest; output: PutThingResponseOut \};/);
  assert.match(text, /Ping: \{ input: Record<string, never>; output: Record<string, never> \};/);
  // Input: required members required, enums their union, timestamps epoch ms, member names quoted when they must be.
  const request = ['export type PutThingRequest = {', '  name: string;', '  mode?: Mode;', '  at?: number;', '  tags?: Record<string, string>;'];
  assert.ok(text.includes([...request, "  'odd-name'?: string;", '};'].join('\n')));
  assert.match(text, /export type Mode = 'on' \| 'off';/);
  // Output: every member optional (even a required one), enums as strings, timestamps as ms or Date, lists readonly, recursion by name.
  assert.match(text, /export type PutThingResponseOut = \{\n {2}thing\?: ThingOut;\n\};/);
  const thing = ['export type ThingOut = {', '  name?: string;', '  mode?: string;', '  at?: number | Date;', '  parts?: ReadonlyArray<ThingOut>;', '};'];
  assert.ok(text.includes(thing.join('\n')));
  // A shape reached only from outputs has no input form.
  assert.doesNotMatch(text, /export type Thing = /);
});

test('the checked-in wire types are what the vendored models generate (npm run wire-types)', () => {
  const root = packageRoot();
  const files = generateAll(root);
  // One file per service the front door serves.
  assert.equal(files.size, Object.keys(SERVICE_TABLE).length);
  for (const [path, text] of files) assert.equal(readFileSync(join(root, path), 'utf8'), text, `${path} is stale: run npm run wire-types`);
});
