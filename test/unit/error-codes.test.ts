// apiError takes only codes some catalog defines: unknown codes fail to compile (the @ts-expect-error
// lines below are checked by `tsc --noEmit`), and still throw at run time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiError } from '../../src/gateway/errors.ts';
import '../../src/eas/errors.ts';
import '../../src/ram/errors.ts';

test('codes of every catalog are accepted: the gateway, EAS, and RAM named-parameter codes', () => {
  assert.equal(apiError('MissingParameter', { name: 'X' }).status, 400);
  assert.equal(apiError('InvalidResourceLog.NotFound', { resourceId: 'eas-r-x' }).status, 404);
  assert.equal(apiError('InvalidParameter.UserName.Length').status, 400);
});

test('a code no catalog defines does not compile, and throws if it runs', () => {
  // @ts-expect-error: not a catalog code.
  assert.throws(() => apiError('NoSuchCode'), /unknown error code NoSuchCode/);
  // @ts-expect-error: RAM checks the names of NAMED_PARAMETERS only.
  assert.throws(() => apiError('InvalidParameter.Foo.Length'), /unknown error code/);
});
