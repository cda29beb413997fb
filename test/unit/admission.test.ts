// Admission control of expensive calls: slots, a bounded queue, a bounded wait, callers that leave.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Admission, CallerGone, isExpensive } from '../../src/gateway/admission.ts';
import { isApiError } from '../../src/gateway/errors.ts';

const raw = (query: Record<string, string> = {}, body?: unknown) => ({ params: {}, query, body });

test('classifies calls: big pages, big orders, many label filter keys and big bodies are expensive', () => {
  const cases: Array<[string, boolean, ReturnType<typeof raw>, number?]> = [
    ['default list', false, raw({ PageSize: '100' })],
    ['PageSize 1000', true, raw({ PageSize: '1000' })],
    ['RAM MaxItems 1000', true, raw({ MaxItems: '1000' })],
    ['order of 10 machines', false, raw({}, { EcsInstanceCount: 10 })],
    ['order of 100 machines', true, raw({}, { EcsInstanceCount: 100 })],
    ['5 label filter keys', false, raw({ Label: JSON.stringify({ a: '', b: '', c: '', d: '', e: '' }) })],
    ['6 label filter keys', true, raw({ Label: JSON.stringify({ a: '', b: '', c: '', d: '', e: '', f: '' }) })],
    ['16 KiB body', false, raw(), 16 * 1024],
    ['17 KiB body', true, raw(), 17 * 1024],
  ];
  for (const [name, expensive, input, bytes] of cases) assert.equal(isExpensive(input, bytes ?? 0), expensive, name);
});

/** A slot given back passes on at the event loop's next turn (after pending I/O), not at once. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

const code = (e: unknown) => (isApiError(e) ? e.code : e instanceof CallerGone ? 'CallerGone' : String(e));

test('lets maxExpensiveInFlight calls run, refuses the next with Throttling when the queue is full', async () => {
  const a = new Admission({ maxExpensiveInFlight: 2, queueLength: 0, queueWaitMs: 1000 });
  const r1 = await a.enter();
  await a.enter();
  await assert.rejects(a.enter(), (e) => code(e) === 'Throttling');
  r1();
  r1(); // a second release gives nothing back twice
  await nextTurn();
  assert.equal(a.inFlight, 1);
  await a.enter();
  assert.equal(a.inFlight, 2);
});

test('a queued call gets the slot a finished call gives back, in order', async () => {
  const a = new Admission({ maxExpensiveInFlight: 1, queueLength: 2, queueWaitMs: 60_000 });
  const first = await a.enter();
  const order: number[] = [];
  const second = a.enter().then((release) => {
    order.push(2);
    return release;
  });
  const third = a.enter().then((release) => {
    order.push(3);
    return release;
  });
  assert.equal(a.queued, 2);
  first();
  (await second)();
  (await third)();
  await nextTurn();
  assert.deepEqual(order, [2, 3]);
  assert.equal(a.inFlight, 0);
});

test('a queued call that waits longer than queueWaitMs gets Throttling', async () => {
  const a = new Admission({ maxExpensiveInFlight: 1, queueLength: 1, queueWaitMs: 5 });
  await a.enter();
  await assert.rejects(a.enter(), (e) => code(e) === 'Throttling');
  assert.equal(a.queued, 0);
});

test('a slot given back reaches the next caller only after pending I/O has run', async () => {
  // Handed over synchronously, a queue of expensive calls ran each in the previous one's
  // microtasks and never let the event loop read a socket: health waited behind all of them.
  const a = new Admission({ maxExpensiveInFlight: 1, queueLength: 1, queueWaitMs: 60_000 });
  const release = await a.enter();
  const events: string[] = [];
  const next = a.enter().then((r) => {
    events.push('granted');
    return r;
  });
  setImmediate(() => events.push('io turn'));
  release();
  (await next)();
  assert.deepEqual(events, ['io turn', 'granted']);
});

test('a queued call whose caller goes away leaves the queue', async () => {
  const a = new Admission({ maxExpensiveInFlight: 1, queueLength: 1, queueWaitMs: 60_000 });
  const release = await a.enter();
  const gone = new AbortController();
  const waiting = a.enter(gone.signal);
  gone.abort();
  await assert.rejects(waiting, (e) => code(e) === 'CallerGone');
  assert.equal(a.queued, 0);
  release();
  await nextTurn();
  assert.equal(a.inFlight, 0, 'the slot is free, not handed to the departed caller');
});
