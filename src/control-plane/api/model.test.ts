import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel, packageRoot } from './model.js';

describe('model', () => {
  test('loads each vendored model with its protocol metadata', () => {
    const ecs = loadModel('ecs');
    assert.equal(ecs.metadata.protocol, 'json');
    assert.equal(ecs.metadata.targetPrefix, 'AmazonEC2ContainerServiceV20141113');
    assert.equal(loadModel('elbv2').metadata.protocol, 'query');
    assert.equal(loadModel('elbv2').metadata.apiVersion, '2015-12-01');
    assert.equal(loadModel('ec2').metadata.protocol, 'ec2');
  });

  test('loads once and caches', () => {
    assert.equal(loadModel('ecs'), loadModel('ecs'));
  });

  test('indexes operations and resolves shape refs', () => {
    const elbv2 = loadModel('elbv2');
    const op = elbv2.operations.get('CreateRule');
    assert.ok(op);
    assert.equal(op.output?.resultWrapper, 'CreateRuleResult');
    const input = elbv2.shape(op.input!.shape);
    assert.equal(input.type, 'structure');
    assert.deepEqual([...(input.required ?? [])].sort(), ['Actions', 'Conditions', 'ListenerArn', 'Priority']);
    const conditions = elbv2.shape(input.members!.Conditions!.shape);
    assert.equal(conditions.type, 'list');
    assert.equal(elbv2.shape(conditions.member!.shape).type, 'structure');
  });

  test('drops documentation to keep the resident model small', () => {
    const shape = loadModel('ecs').shape('ClusterNotFoundException') as unknown as Record<string, unknown>;
    assert.equal(shape.documentation, undefined);
    assert.equal(shape.exception, true);
  });

  test('ELBv2 error shapes map to their wire codes', () => {
    const elbv2 = loadModel('elbv2');
    assert.equal(elbv2.errorCode('TargetGroupNotFoundException'), 'TargetGroupNotFound');
    assert.equal(loadModel('ecs').errorCode('ClusterNotFoundException'), 'ClusterNotFoundException');
  });

  test('an unknown shape is a programming error', () => {
    assert.throws(() => loadModel('ecs').shape('NoSuchShape'), /no shape NoSuchShape/);
    assert.equal(loadModel('ecs').hasShape('NoSuchShape'), false);
  });

  test('packageRoot walks up to the folder holding package.json', () => {
    const root = mkdtempSync(join(tmpdir(), 'berth-model-'));
    writeFileSync(join(root, 'package.json'), '{}');
    const deep = join(root, 'dist', 'src', 'control-plane', 'api');
    mkdirSync(deep, { recursive: true });
    assert.equal(packageRoot(deep), root);
    assert.throws(() => packageRoot('/'), /no package.json/);
  });
});
