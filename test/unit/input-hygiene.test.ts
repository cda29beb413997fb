// Input hygiene: which strings the gateway refuses before anything stores them, and the
// linear-time number check of spec-derived validation.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { checkInput, checkJson, MAX_JSON_DEPTH } from '../../src/gateway/input-hygiene.ts';
import { compileValidator } from '../../src/gateway/validation.ts';
import { isApiError } from '../../src/gateway/errors.ts';
import type { RawInput } from '../../src/gateway/operation.ts';
import type { OperationSpec } from '../../src/eas/operation-spec.ts';

function refusedAs(fn: () => unknown, name: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isApiError(e), String(e));
    assert.equal(e.code, 'InvalidParameter');
    assert.equal(/parameter "([^"]*)"/.exec(e.message)?.[1], name, e.message);
    return true;
  });
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const input = (partial: Partial<RawInput>): RawInput => ({ params: {}, query: {}, body: undefined, ...partial });

describe('input hygiene', () => {
  test('refuses NUL and lone surrogates wherever they are, naming the parameter', () => {
    refusedAs(() => checkInput(input({ params: { ResourceId: 'eas-r-\u0000' } })), 'ResourceId');
    refusedAs(() => checkInput(input({ query: { Filter: 'a\ud800' } })), 'Filter');
    refusedAs(() => checkInput(input({ query: { 'Label.\u0000': 'v' } })), 'Label.?');
    refusedAs(() => checkInput(input({ body: { Labels: { k: 'x\udfff' } } })), 'Labels.k');
    refusedAs(() => checkInput(input({ body: { Labels: { ['k\ud83d']: 'v' } } })), 'Labels.k?');
    refusedAs(() => checkInput(input({ body: { InstanceIds: ['ok', 'bad\u0000'] } })), 'InstanceIds.2');
    refusedAs(() => checkInput(input({ body: '\u0000' })), 'body');
  });

  test('accepts well-formed text: pairs, other controls, newlines, empty strings', () => {
    checkInput(
      input({
        params: { ResourceId: 'eas-r-1' },
        query: { Filter: '\ud83d\ude00', Doc: '{\n\t"a": 1\r\n}', Ctl: '\u0001\u001f\u007f', Empty: '' },
        body: { Labels: { '\u{1f9ea}': 'é' }, Deep: [[[{ a: null, b: 1, c: true }]]] },
      }),
    );
  });

  test(`bounds JSON nesting at ${MAX_JSON_DEPTH} levels without recursing`, () => {
    let ok: unknown = 'x';
    for (let i = 0; i < MAX_JSON_DEPTH - 1; i++) ok = [ok];
    checkJson('', ok);
    let deep: unknown = 'x';
    for (let i = 0; i < 200_000; i++) deep = { a: deep };
    assert.throws(
      () => checkJson('body', deep),
      (e: unknown) => isApiError(e) && e.code === 'InvalidParameter',
    );
  });
});

describe('number parameters', () => {
  const spec: OperationSpec = {
    action: 'Probe',
    method: 'GET',
    path: '/p',
    routePath: '/p',
    deprecated: false,
    params: [{ name: 'Ratio', location: 'query', type: 'number', required: false }],
  };
  const validate = compileValidator(spec);

  test('parse the usual number forms', () => {
    for (const [text, value] of [
      ['1', 1],
      ['-1.5', -1.5],
      ['.5', 0.5],
      ['2.', 2],
      ['1e3', 1000],
      ['+7E-1', 0.7],
    ] as const) {
      assert.equal(validate(input({ query: { Ratio: text } })).Ratio, value, text);
    }
    for (const text of ['.', 'e5', '1.2.3', '1e', '0x10', ' 1']) refusedAs(() => validate(input({ query: { Ratio: text } })), 'Ratio');
  });

  // The old pattern backtracked quadratically: 300,000 digits took about a minute, now milliseconds.
  // Run in a child process that is killed after 20 s: a regex cannot be interrupted in-process.
  test('refuses a long non-number in linear time', () => {
    const script = `
      import { compileValidator } from './src/gateway/validation.ts';
      const v = compileValidator(${JSON.stringify(spec)});
      for (const Ratio of ['1'.repeat(300000) + 'x', '1.' + '1'.repeat(300000) + 'x']) {
        try { v({ params: {}, query: { Ratio }, body: undefined }); process.exit(2); } catch (e) { if (e.code !== 'InvalidParameter') process.exit(3); }
      }`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      timeout: 20_000,
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.error ? String(r.error) : r.stderr);
  });
});
