// The README's first workflow (examples/first-workflow.mjs) runs verbatim, as a user runs it, against
// a real server on every engine, and leaves the account as it found it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ENGINES } from '../support/engines.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { callEas, easClient } from '../support/client.ts';

const EXAMPLE = fileURLToPath(new URL('../../examples/first-workflow.mjs', import.meta.url));
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.startsWith('OPENEAS_') && !k.startsWith('ALIBABA_CLOUD_')),
);

/** Runs a script with node; resolves with its exit code and output (killed after `seconds`). */
function runScript(
  file: string,
  env: Record<string, string>,
  seconds: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [file], { env: { ...cleanEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += String(c)));
  child.stderr.on('data', (c) => (stderr += String(c)));
  const killer = setTimeout(() => child.kill('SIGKILL'), seconds * 1000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    }),
  );
}

for (const engine of ENGINES) {
  describe(`examples [${engine.name}]`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(engine, { provisionSeconds: 1, releaseSeconds: 1 });
    });
    after(() => server.close());

    test('first-workflow.mjs: group, PostPaid machines, Ready, filtered list, cordon, delete', async () => {
      const run = await runScript(
        EXAMPLE,
        {
          OPENEAS_ENDPOINT: server.url,
          ALIBABA_CLOUD_ACCESS_KEY_ID: server.root.accessKeyId,
          ALIBABA_CLOUD_ACCESS_KEY_SECRET: server.root.accessKeySecret!,
        },
        120,
      );
      assert.equal(run.code, 0, `the example failed:\n${run.stdout}${run.stderr}`);
      assert.equal(run.stderr, '');
      const group = /^created group (eas-r-\w+)$/m.exec(run.stdout)?.[1];
      assert.ok(group, run.stdout);
      assert.match(run.stdout, /^Create 2 new ecs instance\(s\) in resource \[eas-r-\w+\] successfully$/m);
      assert.match(run.stdout, /^all 3 machines are Ready$/m);
      assert.match(run.stdout, /^2 machines in pool batch$/m);
      assert.equal(
        run.stdout.match(/^ {2}eas-i-\w+ ecs\.c6\.xlarge Ready /gm)?.length,
        2,
        'the filtered list shows the two labelled machines',
      );
      assert.match(run.stdout, /^eas-i-\w+ is now Ready-SchedulingDisabled$/m);
      assert.match(run.stdout, /^Instances (eas-i-\w+,){2}eas-i-\w+ are deleting$/m);
      assert.match(run.stdout, new RegExp(`^Resource \\[${group}\\] is deleted\\.$`, 'm'));

      const client = easClient({ url: server.url, accessKeyId: server.root.accessKeyId, accessKeySecret: server.root.accessKeySecret! });
      const groups = await callEas(client, { action: 'ListResources', method: 'GET', pathname: '/api/v2/resources' });
      assert.equal(
        groups.body.Resources.some((r: { ResourceId: string }) => r.ResourceId === group),
        false,
        'the group is gone',
      );
    });
  });
}
