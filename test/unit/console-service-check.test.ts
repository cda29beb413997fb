// The console's as-you-type check of a service document (console/src/pages/service-document.ts) follows
// CreateService's rules (docs/services.md): without metadata.resource the public pool, where an
// instance type makes cpu and memory optional.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceProblems } from '../../console/src/pages/service-document.ts';

const check = (doc: Record<string, unknown>) => serviceProblems(JSON.stringify({ name: 'svc_a', containers: [{ image: 'i' }], ...doc }));

test('a public-pool document with an instance type needs no cpu or memory', () => {
  assert.deepEqual(check({ cloud: { computing: { instance_type: 'ecs.g6.large' } }, metadata: {} }), []);
  assert.deepEqual(check({ cloud: { computing: { instances: [{ type: 'ecs.g6.large' }] } }, metadata: { instance: 2 } }), []);
  assert.deepEqual(check({ cloud: { computing: { instance_type: 'ecs.g6.large' } }, metadata: { cpu: 0 } }), [
    'metadata.cpu: an integer from 1 to 512.',
  ]);
});

test('a public-pool document without a type needs cpu and memory; a group document needs a group id', () => {
  assert.deepEqual(check({ metadata: { cpu: 1, memory: 1024 } }), []);
  assert.deepEqual(check({ metadata: {} }), [
    'metadata.cpu: required, an integer from 1 to 512.',
    'metadata.memory: required, MB, an integer from 1 to 4194304.',
  ]);
  assert.deepEqual(check({ metadata: { cpu: 1, memory: 1024, resource: 'eas-r-abc' } }), []);
  assert.deepEqual(check({ metadata: { cpu: 1, memory: 1024, resource: 'abc' } }), [
    'metadata.resource: the id of a dedicated group (eas-r-…), or none for the public pool.',
  ]);
});
