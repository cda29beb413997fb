// Response bodies: RawJson spliced in as is, and long lists rendered element by element into a
// Buffer (gateway/envelope.ts) whose bytes are exactly the one string's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyReply } from 'fastify';
import { RawJson, renderAnswer, renderBody, renderJson, sendAnswer } from '../../src/gateway/envelope.ts';

test('rendered JSON is spliced into a response as is, and no user string can pose as it', () => {
  const text = renderJson({ RequestId: 'r', Instances: new RawJson('[{"InstanceId":"eas-i-1"}]'), Note: '\u0000raw:0:0', TotalCount: 1 });
  assert.deepEqual(JSON.parse(text), { RequestId: 'r', Instances: [{ InstanceId: 'eas-i-1' }], Note: '\u0000raw:0:0', TotalCount: 1 });
  assert.throws(() => JSON.stringify(new RawJson('1')), /outside renderJson/);
});

const line = (i: number) => ({
  InstanceID: `eas-m-${i}`,
  NickName: i % 7 === 0 ? '模型在线服务 "quoted" \\ \u2028' : `m${i}`,
  Amount: i / 3,
  Skipped: undefined,
  skippedFunction: () => i,
  When: new Date(Date.UTC(2026, 0, 1 + (i % 28))),
  Nested: { List: [1, undefined, 'x'], Empty: {} },
  Padding: 'p'.repeat(400),
});

test('a large body holding long lists is a Buffer of exactly the JSON text of the body as one string', () => {
  const bareObject = Object.create(null) as Record<string, unknown>;
  const bodies: Record<string, unknown>[] = [
    // QueryInstanceBill's shape: the list three objects down, keys that JSON leaves out around it.
    {
      RequestId: 'r',
      Skipped: undefined,
      Data: { TotalCount: 300, Items: { Item: Array.from({ length: 300 }, (_, i) => line(i)) }, 'key "odd"': 1 },
      Success: true,
    },
    // A list of RawJson views, elements JSON leaves out (undefined becomes null in a list), two lists.
    {
      RequestId: 'r',
      Views: Array.from({ length: 50 }, (_, i) =>
        i === 3 ? undefined : new RawJson(`{"InstanceId":"eas-i-${i}","P":"${'p'.repeat(3000)}"}`),
      ),
      Again: Array.from({ length: 33 }, (_, i) => ({ i })),
    },
    { RequestId: 'r', Data: Object.assign(bareObject, { Item: Array.from({ length: 200 }, (_, i) => line(i)) }) },
  ];
  for (const body of bodies) {
    // renderJson is JSON.stringify with RawJson spliced in, as one string (the first test).
    const expected = renderJson(body);
    if (!('Views' in body)) assert.equal(expected, JSON.stringify(body));
    const out = renderBody(body);
    assert.ok(Buffer.isBuffer(out), 'a large body is rendered into a Buffer');
    assert.equal(out.toString('utf8'), expected);
    assert.equal(out.length, Buffer.byteLength(expected));
  }
});

test('a large body is the same text whether its parts are ASCII or not, and however long one part is', () => {
  // Parts are joined into chunks of about 32 K characters; an all-ASCII chunk is written as
  // Latin-1, any other as UTF-8. Here the first chunks are ASCII, later ones are not, and one
  // element alone is longer than a chunk.
  const item = (i: number) => ({
    InstanceID: `eas-i-${i}`,
    NickName: i < 200 ? `plain-${i}` : `模型-${i}-\u00e9\ud83d\ude00`,
    Padding: 'p'.repeat(i === 120 ? 70_000 : 500),
  });
  const output = { Data: { Items: { Item: Array.from({ length: 300 }, (_, i) => item(i)) } }, Success: true };
  const answer = renderAnswer('REQ-1', output);
  assert.ok(Buffer.isBuffer(answer));
  const expected = JSON.stringify({ RequestId: 'REQ-1', ...output });
  assert.equal(answer.toString('utf8'), expected);
  assert.equal(answer.length, Buffer.byteLength(expected));
});

test('short lists, small bodies, lists of plain values and lists deeper than the walk stay one string', () => {
  const big = (i: number) => ({ i, p: 'p'.repeat(5000) });
  const deep = { A: { B: { C: { D: { E: Array.from({ length: 40 }, (_, i) => big(i)) } } } } };
  const bodies = [
    { RequestId: 'r', Items: Array.from({ length: 31 }, (_, i) => big(i)) },
    { RequestId: 'r', Items: Array.from({ length: 300 }, (_, i) => ({ i })) },
    { RequestId: 'r', Ids: Array.from({ length: 500 }, (_, i) => `eas-m-${i}`.repeat(100)) },
    { RequestId: 'r', Nulls: Array.from({ length: 5000 }, () => null) },
    deep,
  ];
  for (const body of bodies) {
    const out = renderBody(body);
    assert.equal(typeof out, 'string');
    assert.equal(out, JSON.stringify(body));
  }
});

test("a call's answer is the text of { RequestId, ...output }, small or large", () => {
  const outputs: Record<string, unknown>[] = [
    {},
    { Skipped: undefined },
    { ResourceId: 'eas-r-1', Labels: [{ LabelKey: 'k', LabelValue: '模型 "q"' }] },
    { Instances: new RawJson('[{"InstanceId":"eas-i-1"}]'), TotalCount: 1 },
    { Data: { Items: { Item: Array.from({ length: 300 }, (_, i) => line(i)) } }, Success: true },
  ];
  for (const output of outputs) {
    const answer = renderAnswer('REQ-1', output);
    assert.equal(Buffer.isBuffer(answer), 'Data' in output, 'large answers stay in parts');
    assert.equal(answer.toString(), renderJson({ RequestId: 'REQ-1', ...output }));
  }
});

test('an output with a RequestId of its own is answered as the spread would: its value, in first place', () => {
  const sent: { status?: number; headers: Record<string, string>; body?: unknown } = { headers: {} };
  const reply = {
    code(status: number) {
      sent.status = status;
      return reply;
    },
    header(name: string, value: string) {
      sent.headers[name] = value;
      return reply;
    },
    send(body: unknown) {
      sent.body = body;
      return reply;
    },
  };
  sendAnswer(reply as unknown as FastifyReply, 'REQ-1', { Name: 'n', RequestId: 'inner' });
  assert.equal(sent.status, 200);
  assert.equal(sent.headers['x-acs-request-id'], 'REQ-1');
  assert.equal(sent.body, '{"RequestId":"inner","Name":"n"}');
  sendAnswer(reply as unknown as FastifyReply, 'REQ-2', { Name: 'n' });
  assert.equal(sent.body, '{"RequestId":"REQ-2","Name":"n"}');
});
