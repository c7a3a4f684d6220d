import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser } from 'fast-xml-parser';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { AwsError } from '../../domain/aws-error.js';
import { errorResponse, statusOf } from './wire-error.js';
import { StoreUnavailableError } from '../../store/store.js';

const parse = (xml: string) => new XMLParser({ parseTagValue: false }).parse(xml);

describe('wire errors', () => {
  test('a store fault is a 500 in each protocol that keeps its message (the disk, "database is locked")', () => {
    const fault = new StoreUnavailableError('disk-full', 'Berth cannot write its state: the disk holding /d is full (SQLITE_FULL).');
    const json = errorResponse('json', fault, { requestId: 'r' });
    assert.equal(json.status, 500);
    assert.deepEqual(JSON.parse(json.body.toString()), { __type: 'ServerException', message: fault.message });
    const query = parse(errorResponse('query', fault, { requestId: 'r' }).body.toString()).ErrorResponse;
    assert.deepEqual(query.Error, { Type: 'Receiver', Code: 'InternalFailure', Message: fault.message });
    const ec2 = parse(errorResponse('ec2', fault, { requestId: 'r' }).body.toString()).Response;
    assert.equal(ec2.Errors.Error.Code, 'InternalError');
    assert.equal(ec2.Errors.Error.Message, fault.message);
  });

  test('ECS JSON envelope with __type, message, modeled fields and x-amzn-errortype', () => {
    const res = errorResponse('json', new AwsError('ConflictException', 'busy', 400, { resourceIds: ['a'] }), { requestId: 'r' });
    assert.equal(res.status, 400);
    assert.equal(res.headers['x-amzn-errortype'], 'ConflictException');
    assert.equal(res.headers['content-type'], 'application/x-amz-json-1.1');
    assert.deepEqual(JSON.parse(res.body.toString()), { __type: 'ConflictException', message: 'busy', resourceIds: ['a'] });
  });

  test('Query envelope: Sender for 4xx, Receiver for 5xx, RequestId, escaped text', () => {
    const res = errorResponse('query', new AwsError('TargetGroupNotFound', 'One or more target groups <not> found'), { requestId: 'r-1' });
    assert.equal(res.status, 400);
    const doc = parse(res.body.toString()).ErrorResponse;
    assert.deepEqual(doc.Error, { Type: 'Sender', Code: 'TargetGroupNotFound', Message: 'One or more target groups <not> found' });
    assert.ok(res.body.toString().includes('&lt;not&gt;'));
    assert.ok(res.body.toString().includes('xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"'));
    assert.equal(doc.RequestId, 'r-1');
    const busy = errorResponse('query', new AwsError('HealthUnavailable', 'later'), { requestId: 'r' });
    assert.equal(busy.status, 500);
    assert.equal(parse(busy.body.toString()).ErrorResponse.Error.Type, 'Receiver');
  });

  test('EC2 envelope', () => {
    const res = errorResponse('ec2', new AwsError('InvalidGroup.NotFound', "The security group 'sg-1' does not exist"), { requestId: 'r-2' });
    const doc = parse(res.body.toString()).Response;
    assert.equal(doc.Errors.Error.Code, 'InvalidGroup.NotFound');
    assert.equal(doc.RequestID, 'r-2');
    assert.equal(res.status, 400);
  });

  test('catalogue statuses apply to codes thrown with the default 400', () => {
    assert.equal(statusOf(new AwsError('PriorRequestNotComplete', 'x')), 429);
    assert.equal(statusOf(new AwsError('InsufficientCapacity', 'x')), 500);
    assert.equal(statusOf(new AwsError('ServerException', 'x')), 500);
    // Coral (ECS JSON) answers its auth codes with 400; the Query family with 403.
    assert.equal(statusOf(new AwsError('AccessDeniedException', 'x')), 400);
    assert.equal(statusOf(new AwsError('UnrecognizedClientException', 'x')), 400);
    assert.equal(statusOf(new AwsError('InvalidClientTokenId', 'x')), 403);
    assert.equal(statusOf(new AwsError('ThrottlingException', 'x')), 400);
    assert.equal(statusOf(new AwsError('ClusterNotFoundException', 'x')), 400);
    assert.equal(statusOf(new AwsError('Custom', 'x', 503)), 503);
  });

  test('anything else is a 500 without its stack, and is logged', () => {
    const lines: string[] = [];
    const logger = pino(
      new Writable({
        write(chunk, _enc, cb) {
          lines.push(String(chunk));
          cb();
        },
      }),
    );
    const boom = new Error('secret internals');
    const json = errorResponse('json', boom, { requestId: 'r', logger });
    assert.equal(json.status, 500);
    assert.equal(JSON.parse(json.body.toString()).__type, 'ServerException');
    assert.ok(!json.body.toString().includes('secret internals') && !json.body.toString().includes('at '));
    const query = errorResponse('query', 'thrown string', { requestId: 'r' });
    assert.equal(parse(query.body.toString()).ErrorResponse.Error.Code, 'InternalFailure');
    assert.equal(parse(errorResponse('ec2', boom, { requestId: 'r' }).body.toString()).Response.Errors.Error.Code, 'InternalError');
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /secret internals/);
  });
});
