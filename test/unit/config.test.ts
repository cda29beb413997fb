// Settings: one table (src/settings.ts) for flags, OPENEAS_* variables, defaults and allowed values;
// every value, from any source, is checked against it with a one-line message naming the source.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { ConfigError, flagOverrides, loadConfig } from '../../src/config.ts';
import { SETTINGS } from '../../src/settings.ts';

const refused = (pattern: RegExp) => (e: unknown) => e instanceof ConfigError && pattern.test(e.message) && !e.message.includes('\n');

test('defaults come from the table, and every Config field has a setting', () => {
  const config = loadConfig({}, {});
  assert.equal(config.port, 8080);
  assert.equal(config.ram, 'enforce');
  assert.equal(config.ephemeral, false);
  assert.ok(config.logFormat === 'pretty' || config.logFormat === 'json');
  assert.deepEqual(config.admission, { maxExpensiveInFlight: 2, queueLength: 64, queueWaitMs: 2000 });
  const leaves = Object.entries(config).flatMap(([k, v]) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v).map((sub) => `${k}.${sub}`) : [k],
  );
  const fields = SETTINGS.map((s) => s.field as string);
  assert.deepEqual(
    leaves.filter((f) => !fields.includes(f)),
    [],
    'fields without a setting',
  );
  assert.equal(new Set(fields).size, fields.length, 'one setting per field');
  const envs = SETTINGS.flatMap((s) => (s.env ? [s.env] : []));
  assert.equal(new Set(envs).size, envs.length, 'one setting per variable');
});

test('flags win over variables, variables over defaults', () => {
  const env = { OPENEAS_PORT: '9000', OPENEAS_RAM: 'soft', OPENEAS_EPHEMERAL: '1', OPENEAS_LOG_FORMAT: 'json', OPENEAS_QUOTA_GPUS: '7' };
  const fromEnv = loadConfig({}, env);
  assert.equal(fromEnv.port, 9000);
  assert.equal(fromEnv.ram, 'soft');
  assert.equal(fromEnv.ephemeral, true);
  assert.equal(fromEnv.logFormat, 'json');
  assert.equal(fromEnv.quota.gpus, 7);
  assert.equal(fromEnv.quota.instances, 100_000, 'the other quota fields keep their defaults');
  const flags = flagOverrides({ port: '9001', ram: 'off', logFormat: 'pretty', ephemeral: true, dataDir: 'here' });
  const both = loadConfig(flags, env);
  assert.equal(both.port, 9001);
  assert.equal(both.ram, 'off');
  assert.equal(both.logFormat, 'pretty');
  assert.equal(both.ephemeral, true);
  assert.ok(both.dataDir.endsWith('/here'), 'made absolute');
  assert.equal(loadConfig({}, { OPENEAS_EPHEMERAL: 'false' }).ephemeral, false);
  assert.equal(loadConfig({}, { OPENEAS_PORT: '' }).port, 8080, 'an empty variable is unset');
  assert.equal(loadConfig({}, { OPENEAS_INITIAL_BALANCE: '99.50' }).initialBalanceFen, 9950);
  assert.deepEqual(loadConfig({}, { OPENEAS_TRUSTED_PROXIES: '10.0.0.1, 10.1.0.0/16' }).trustedProxies, ['10.0.0.1', '10.1.0.0/16']);
});

test('flags and variables are refused in one line that names them and what they accept', () => {
  const cases: Array<[() => unknown, RegExp]> = [
    [() => flagOverrides({ ram: 'maybe' }), /^--ram must be one of enforce, soft, off; got "maybe"$/],
    [() => loadConfig({}, { OPENEAS_RAM: 'maybe' }), /^OPENEAS_RAM must be one of enforce, soft, off; got "maybe"$/],
    [() => flagOverrides({ logLevel: 'loud' }), /^--log-level must be one of fatal, error, warn, info, debug, trace, silent; got "loud"$/],
    [() => loadConfig({}, { OPENEAS_LOG_LEVEL: 'loud' }), /^OPENEAS_LOG_LEVEL must be one of/],
    [() => loadConfig({}, { OPENEAS_LOG_FORMAT: 'xml' }), /^OPENEAS_LOG_FORMAT must be one of pretty, json; got "xml"$/],
    [() => flagOverrides({ port: '8o8o' }), /^--port must be a whole number from 0 to 65535, got "8o8o"$/],
    [() => loadConfig({}, { OPENEAS_PORT: '1.5' }), /^OPENEAS_PORT must be a whole number from 0 to 65535, got "1.5"$/],
    [() => loadConfig({}, { OPENEAS_EPHEMERAL: 'yes please' }), /^OPENEAS_EPHEMERAL must be one of true, false, 1, 0; got "yes please"$/],
    [() => loadConfig({}, { OPENEAS_PROGRESSION: 'fast' }), /^OPENEAS_PROGRESSION must be one of time, immediate, manual; got "fast"$/],
    [() => loadConfig({}, { OPENEAS_PROVISION_SECONDS: '-1' }), /^OPENEAS_PROVISION_SECONDS must be a number >= 0, got "-1"$/],
    [() => loadConfig({}, { OPENEAS_RENEWAL_RETRY_HOURS: '0' }), /^OPENEAS_RENEWAL_RETRY_HOURS must be a number > 0, got "0"$/],
    [() => loadConfig({}, { OPENEAS_JOB_MAX_ATTEMPTS: '0' }), /^OPENEAS_JOB_MAX_ATTEMPTS must be a whole number >= 1, got "0"$/],
    [() => loadConfig({}, { OPENEAS_BILLING_UTC_OFFSET_MINUTES: '90' }), /^OPENEAS_BILLING_UTC_OFFSET_MINUTES must be whole hours/],
    [() => loadConfig({}, { OPENEAS_POSTPAID_MIN_BALANCE: 'lots' }), /^OPENEAS_POSTPAID_MIN_BALANCE must be a CNY amount like 100/],
    [() => loadConfig({}, { OPENEAS_ACCOUNT_ID: '123' }), /^OPENEAS_ACCOUNT_ID must be 16 digits, got "123"$/],
    [() => flagOverrides({ databaseUrl: 'mysql://x' }), /^--database-url must be a postgres:\/\/ URL, got "mysql:\/\/x"$/],
    [() => loadConfig({}, { OPENEAS_ROOT_ACCESS_KEY_ID: 'LTAI5tAbcdefgh' }), /must be set together/],
    [() => loadConfig({}, { OPENEAS_TRUSTED_PROXIES: 'proxy.internal' }), /OPENEAS_TRUSTED_PROXIES: "proxy.internal"/],
    // Values given in code are held to the same rules, named by their field.
    [() => loadConfig({ port: 70000 }, {}), /^port must be a whole number from 0 to 65535, got "70000"$/],
    [() => loadConfig({ ram: 'maybe' as never }, {}), /^ram must be one of enforce, soft, off; got "maybe"$/],
  ];
  for (const [attempt, message] of cases) assert.throws(attempt, refused(message), String(message));
});

test('the README lists every variable and every flag', () => {
  const readme = fs.readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  for (const s of SETTINGS) {
    if (s.env) assert.ok(readme.includes(`\`${s.env}\``), s.env);
    if (s.flag) assert.ok(readme.includes(`\`--${s.flag}\``), `--${s.flag}`);
  }
});
