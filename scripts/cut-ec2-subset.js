#!/usr/bin/env node
// Cuts vendor/aws-models/ec2-2016-11-15.subset.service.json from the full EC2 model: the operations
// listed below and every shape they reach, copied unchanged. The full model is ~5 MB (600+ operations);
// Berth serves a handful, so it vendors only those.
// Usage: node scripts/cut-ec2-subset.js <path to the full ec2-2016-11-15.service.json>
import { readFileSync, writeFileSync } from 'node:fs';

const OPERATIONS = [
  'AuthorizeSecurityGroupIngress',
  'CreateSecurityGroup',
  'DeleteSecurityGroup',
  'DescribeSecurityGroups',
  'RevokeSecurityGroupIngress',
  'CreateVpc',
  'DeleteVpc',
  'DescribeVpcs',
  'DescribeVpcAttribute',
  'ModifyVpcAttribute',
  'CreateSubnet',
  'DeleteSubnet',
  'DescribeSubnets',
  'DescribeInstances',
  'DescribeAvailabilityZones',
  'DescribeAccountAttributes',
];
const out = new URL('../vendor/aws-models/ec2-2016-11-15.subset.service.json', import.meta.url);
const full = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const shapes = {};
const reach = (name) => {
  if (shapes[name]) return;
  const s = full.shapes[name];
  shapes[name] = s;
  for (const m of Object.values(s.members ?? {})) reach(m.shape);
  for (const k of ['member', 'key', 'value']) if (s[k]) reach(s[k].shape);
};
const operations = {};
for (const op of OPERATIONS.sort()) {
  const o = full.operations[op];
  operations[op] = o;
  for (const k of ['input', 'output']) if (o[k]) reach(o[k].shape);
  for (const e of o.errors ?? []) reach(e.shape);
}
const sorted = Object.fromEntries(
  Object.keys(shapes)
    .sort()
    .map((k) => [k, shapes[k]]),
);
const model = {
  version: full.version,
  metadata: full.metadata,
  operations,
  shapes: sorted,
  documentation:
    'Subset of the EC2 model: the operations a load balancer setup needs (security groups, VPCs, subnets, ' +
    'availability zones, account attributes, instances), with every shape they reach. Cut by scripts/cut-ec2-subset.js.',
};
writeFileSync(out, JSON.stringify(model, null, 1) + '\n');
console.log(`${Object.keys(operations).length} operations, ${Object.keys(sorted).length} shapes`);
