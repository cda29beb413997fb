// Which statement texts go to PostgreSQL named (store/statement-names.ts): a text is named the
// second time it is sent, one-off texts never are, and the number of names is bounded whatever
// callers send. (This file's process starts with no names: node --test runs a file per process.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_NAMED, namedStatementCount, statementName } from '../../src/store/statement-names.ts';

test('a text is named the second time it is sent, and keeps its name', () => {
  const text = 'select * from "resources" where "id" = $1';
  assert.equal(statementName(text), undefined, 'first sighting: sent unnamed');
  const name = statementName(text);
  assert.ok(name, 'second sighting: named');
  assert.equal(statementName(text), name);
  assert.notEqual(statementName('select 2 where $1'), name);
});

test('one-off texts take no names, and the names are bounded', () => {
  const before = namedStatementCount();
  for (let i = 0; i < 10_000; i++) assert.equal(statementName(`select ${i} from one_off where x in ($1)`), undefined);
  assert.equal(namedStatementCount(), before, 'texts sent once are never named');
  const names = new Set<string>();
  for (let i = 0; i < MAX_NAMED * 2; i++) {
    const text = `select * from "t${i}" where "a" = $1`;
    statementName(text);
    const name = statementName(text);
    if (name) names.add(name);
  }
  assert.equal(namedStatementCount(), MAX_NAMED);
  assert.equal(names.size, MAX_NAMED - before, 'each name is given to one text');
  // Past the bound, a repeated text goes unnamed (parsed each time) rather than growing the set.
  assert.equal(statementName(`select * from "t${MAX_NAMED * 2 - 1}" where "a" = $1`), undefined);
});
