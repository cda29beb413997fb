// The data directory holds every AccessKey (sealed) and the key that unseals them: only its owner
// may read it, whatever the umask. SQLite only: PostgreSQL keeps just master.key here.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ENGINES } from '../support/engines.ts';
import { startTestServer, tempDataDir } from '../support/server.ts';
import { admin } from '../support/admin.ts';

const sqlite = ENGINES.find((e) => e.name === 'sqlite')!;
const modeOf = (file: string) => fs.statSync(file).mode & 0o777;
const FILES = ['openeas.db', 'openeas.db-wal', 'openeas.db-shm', 'master.key'];

describe('data files', { skip: process.platform === 'win32' && 'no POSIX modes' }, () => {
  test('a new data directory is 0700 and the database, its WAL files and the master key are 0600', async () => {
    const previous = process.umask(0o022); // the common default, which would leave files 0644
    const dataDir = path.join(tempDataDir(), 'nested', 'data');
    try {
      const server = await startTestServer(sqlite, { dataDir });
      try {
        await admin(server.url, 'POST', '/accounts', {}); // a write: the WAL is in use
        assert.equal(modeOf(dataDir), 0o700);
        for (const file of FILES) assert.equal(modeOf(path.join(dataDir, file)).toString(8), '600', file);
      } finally {
        await server.close();
      }
    } finally {
      process.umask(previous);
    }
  });

  test('files an older version left readable to others are made 0600; an existing directory keeps its mode', async () => {
    const dataDir = tempDataDir();
    fs.chmodSync(dataDir, 0o755);
    const first = await startTestServer(sqlite, { dataDir });
    await first.close();
    for (const file of ['openeas.db', 'master.key']) fs.chmodSync(path.join(dataDir, file), 0o644);
    const second = await startTestServer(sqlite, { dataDir });
    try {
      for (const file of FILES) assert.equal(modeOf(path.join(dataDir, file)).toString(8), '600', file);
      assert.equal(modeOf(dataDir), 0o755, 'the user chose that directory and its mode');
    } finally {
      await second.close();
    }
  });
});
