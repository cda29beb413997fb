// AccessKeys are kept in memory between calls on SQLite (gateway/access-key-cache.ts). A key that
// was just used and is then disabled, enabled again or deleted is judged by its new state on the
// very next call: when this server changed it, and when another server on the same data did.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../support/engines.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { expectApiError, type Credentials } from '../support/client.ts';
import { $Ram, allow, eas, ramClient, rootCredentials, userWithPolicies } from '../support/ram.ts';

async function setStatus(server: TestServer, user: Credentials & { userName: string }, status: 'Active' | 'Inactive') {
  await ramClient(server, rootCredentials(server)).updateAccessKey(
    new $Ram.UpdateAccessKeyRequest({ userName: user.userName, userAccessKeyId: user.accessKeyId, status }),
  );
}

async function deleteKey(server: TestServer, user: Credentials & { userName: string }) {
  await ramClient(server, rootCredentials(server)).deleteAccessKey(
    new $Ram.DeleteAccessKeyRequest({ userName: user.userName, userAccessKeyId: user.accessKeyId }),
  );
}

/**
 * Uses `user`'s key on `caller`, then disables, enables and deletes it through `changer` (the same
 * server or another on the same data): each next call on `caller` is judged by the key's new state.
 */
async function judgedByNewState(caller: TestServer, changer: TestServer, user: Credentials & { userName: string }) {
  const api = eas(caller, user);
  assert.equal((await api.listResources()).statusCode, 200, 'used, so kept');
  await setStatus(changer, user, 'Inactive');
  assert.equal((await expectApiError(() => api.listResources())).code, 'InvalidAccessKeyId.Inactive');
  await setStatus(changer, user, 'Active');
  assert.equal((await api.listResources()).statusCode, 200);
  await deleteKey(changer, user);
  assert.equal((await expectApiError(() => api.listResources())).code, 'InvalidAccessKeyId.NotFound');
}

for (const engine of ENGINES) {
  describe(`AccessKeys just used, then changed [${engine.name}]`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(engine);
    });
    after(async () => {
      await server.close();
    });

    test('a key disabled, enabled again and deleted is judged by its new state on the next call', async () => {
      await judgedByNewState(server, server, await userWithPolicies(server, [allow('eas:ListResources')]));
    });
  });
}

// Two servers on one SQLite file: what one changes, the other sees at once (PRAGMA data_version).
describe('AccessKeys changed by another server on the same data [sqlite]', () => {
  let first: TestServer;
  let second: TestServer;
  before(async () => {
    first = await startTestServer(ENGINES[0]!);
    second = await startTestServer(ENGINES[0]!, {
      dataDir: first.dataDir,
      rootAccessKeyId: first.root.accessKeyId,
      rootAccessKeySecret: first.eas.accessKeySecret,
    });
  });
  after(async () => {
    await second?.close();
    await first?.close();
  });

  test('a key the other server disables, enables again or deletes is judged by its new state', async () => {
    await judgedByNewState(second, first, await userWithPolicies(first, [allow('eas:ListResources')]));
  });
});
