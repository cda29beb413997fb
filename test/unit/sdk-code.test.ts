// SDK code generation: the Python, Go and Java samples pinned as reviewed snapshots
// (test/fixtures/sdk-code/<case>.<ext>; OPENEAS_UPDATE_SNAPSHOTS=1 rewrites them, then review the diff),
// and run where a toolchain is present: the Python sample under python3 and the Java sample under
// javac + java, each against stand-ins of Alibaba's SDK core (test/fixtures/sdk-code/stubs) whose
// callApi answers with the request it got, so the test sees what the code would send: path, query
// after OpenApiUtil.query, JSON body, with every tricky character intact. The TypeScript sample
// runs against a real server in test/e2e/explorer.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findOperation } from '../../src/console/explorer/catalog.ts';
import { buildCall } from '../../src/console/explorer/request.ts';
import { generateCode, type Language } from '../../src/console/sdk-code/index.ts';
import { unzip } from '../support/unzip.ts';
import { projectZip } from '../../src/console/sdk-code/index.ts';

const FIXTURES = path.resolve('test/fixtures/sdk-code');
const ENDPOINT = '127.0.0.1:8080';
/** Quotes, backslash, newline, tab, a template and a format directive, Latin, CJK, an emoji, U+2028, a control character. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a template placeholder must stay literal text in every language
const TRICKY = 'say "hi"\n\ttab \\ back ${x} %s é 组 🙂 \u2028 \u0001';

interface Case {
  name: string;
  product: string;
  action: string;
  params: Record<string, unknown>;
  /** What callApi receives. */
  expected: { method: string; style: string; pathname: string; query: Record<string, string>; body: unknown };
}

const CASES: Case[] = [
  {
    name: 'create-resource-instances',
    product: 'eas',
    action: 'CreateResourceInstances',
    params: {
      ClusterId: 'cn-hangzhou',
      ResourceId: "eas-r-a b/c'(x)",
      EcsInstanceType: 'ecs.c6.xlarge',
      EcsInstanceCount: 2,
      SystemDiskSize: 200,
      ChargeType: 'PrePaid',
      AutoRenewal: true,
      Labels: { 'team/name': TRICKY },
    },
    expected: {
      method: 'POST',
      style: 'ROA',
      pathname: '/api/v2/resources/cn-hangzhou/eas-r-a%20b%2Fc%27%28x%29/instances',
      query: {},
      body: {
        EcsInstanceType: 'ecs.c6.xlarge',
        SystemDiskSize: 200,
        EcsInstanceCount: 2,
        ChargeType: 'PrePaid',
        AutoRenewal: true,
        Labels: { 'team/name': TRICKY },
      },
    },
  },
  {
    name: 'delete-resource-instance-label',
    product: 'eas',
    action: 'DeleteResourceInstanceLabel',
    params: {
      ClusterId: 'cn-hangzhou',
      ResourceId: 'eas-r-1',
      InstanceIds: ['eas-i-1', 'eas-i-2'],
      AllInstances: false,
      Keys: ['k1', 'k2'],
      LabelKeys: ['a', 'b"c'],
    },
    expected: {
      method: 'DELETE',
      style: 'ROA',
      pathname: '/api/v2/resources/cn-hangzhou/eas-r-1/label',
      query: { InstanceIds: 'eas-i-1,eas-i-2', AllInstances: 'false', Keys: 'k1,k2', LabelKeys: '["a","b\\"c"]' },
      body: null,
    },
  },
  {
    name: 'create-service',
    product: 'eas',
    action: 'CreateService',
    params: {
      body: {
        name: 'svc_1',
        metadata: { instance: 1, cpu: 2, memory: 4000, resource: 'eas-r-1' },
        containers: [{ image: 'img', port: 8000, script: 'python -c "print(1)"' }],
      },
      Labels: { owner: TRICKY },
    },
    expected: {
      method: 'POST',
      style: 'ROA',
      pathname: '/api/v2/services',
      query: { Labels: JSON.stringify({ owner: TRICKY }) },
      body: {
        name: 'svc_1',
        metadata: { instance: 1, cpu: 2, memory: 4000, resource: 'eas-r-1' },
        containers: [{ image: 'img', port: 8000, script: 'python -c "print(1)"' }],
      },
    },
  },
  {
    name: 'list-users',
    product: 'ram',
    action: 'ListUsers',
    params: { MaxItems: 10, Marker: TRICKY },
    expected: { method: 'POST', style: 'RPC', pathname: '/', query: { Marker: TRICKY, MaxItems: '10' }, body: null },
  },
  {
    name: 'lookup-events',
    product: 'actiontrail',
    action: 'LookupEvents',
    params: {
      MaxResults: '20',
      Direction: 'FORWARD',
      LookupAttribute: [
        { Key: 'EventName', Value: 'ListUsers' },
        { Key: 'User', Value: TRICKY },
      ],
    },
    expected: {
      method: 'POST',
      style: 'RPC',
      pathname: '/',
      query: {
        MaxResults: '20',
        Direction: 'FORWARD',
        'LookupAttribute.1.Key': 'EventName',
        'LookupAttribute.1.Value': 'ListUsers',
        'LookupAttribute.2.Key': 'User',
        'LookupAttribute.2.Value': TRICKY,
      },
      body: null,
    },
  },
];

const EXTENSIONS: Record<Exclude<Language, 'typescript'>, string> = { python: 'py', go: 'go', java: 'java' };

function code(c: Case, language: Language): string {
  return generateCode(findOperation(c.product, c.action)!, c.params, language, ENDPOINT);
}

function hasTool(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

/** Compares one query map as a set (languages may order a map's keys their own way). */
function assertEcho(echo: any, c: Case, language: string): void {
  const e = c.expected;
  assert.equal(echo.endpoint, ENDPOINT, `${language} ${c.name}: endpoint`);
  assert.equal(echo.protocol, 'http');
  assert.equal(echo.action, c.action);
  assert.equal(echo.method, e.method, `${language} ${c.name}: method`);
  assert.equal(echo.style, e.style);
  assert.equal(echo.reqBodyType, e.style === 'ROA' ? 'json' : 'formData');
  assert.equal(echo.pathname, e.pathname, `${language} ${c.name}: pathname`);
  assert.deepEqual(echo.query ?? {}, e.query, `${language} ${c.name}: query`);
  assert.deepEqual(echo.body ?? null, e.body, `${language} ${c.name}: body`);
}

describe('SDK code snapshots', () => {
  for (const c of CASES) {
    for (const [language, ext] of Object.entries(EXTENSIONS) as Array<[Language, string]>) {
      test(`${c.name} in ${language} matches test/fixtures/sdk-code/${c.name}.${ext}`, () => {
        const file = path.join(FIXTURES, `${c.name}.${ext}`);
        const text = code(c, language);
        if (process.env.OPENEAS_UPDATE_SNAPSHOTS === '1') fs.writeFileSync(file, text);
        assert.equal(text, fs.readFileSync(file, 'utf8'));
      });
    }
  }

  test('the request each case builds is the one the stand-ins expect (the snapshots were reviewed against it)', () => {
    for (const c of CASES) {
      const call = buildCall(findOperation(c.product, c.action)!, c.params);
      assert.equal(call.pathname, c.expected.pathname, c.name);
      assert.equal(call.method, c.expected.method, c.name);
      assert.deepEqual(call.body ?? null, c.expected.body, c.name);
    }
  });

  test('no secret and no AccessKey reach the code: every language reads the environment', () => {
    for (const c of CASES) {
      for (const language of ['typescript', 'python', 'go', 'java'] as const) {
        const text = code(c, language);
        assert.match(text, /ALIBABA_CLOUD_ACCESS_KEY_ID/);
        assert.match(text, /ALIBABA_CLOUD_ACCESS_KEY_SECRET/);
        assert.match(text, /Recommend/);
        assert.doesNotMatch(text, /LTAI|accessKeySecret\s*[:=]\s*["']/);
      }
    }
  });

  test('Go string literals decode to the exact values (JSON escapes are Go escapes; no surrogate escapes)', () => {
    const text = code(CASES[0]!, 'go');
    const literal = /^\t+"team\/name": (".*"),$/m.exec(text)?.[1];
    assert.ok(literal, 'the label as a Go interpreted string');
    assert.equal(JSON.parse(literal), TRICKY);
    assert.doesNotMatch(literal, /\\u[dD][89a-fA-F]/, 'a \\uD8xx escape would not compile in Go');
    assert.doesNotMatch(text, /`/, 'no raw strings');
    assert.ok(text.includes('\\u2028'), 'the line separator is escaped, not written as is');
    for (const language of ['typescript', 'python', 'go', 'java'] as const) {
      assert.doesNotMatch(code(CASES[0]!, language), /[\u2028\u202e\ufeff]/, `${language}: no invisible characters`);
    }
  });

  test('Java literals escape every non-ASCII character, so the file compiles in any encoding', () => {
    const text = code(CASES[0]!, 'java');
    assert.doesNotMatch(text, /[^\u0000-\u007f]/);
    assert.ok(text.includes('\\ud83d\\ude42'), 'the emoji as a surrogate pair');
    assert.doesNotMatch(text, /\\u000[aAdD]/, 'javac would turn these into line ends inside a literal');
  });

  test('downloads hold the usual project file beside the source', () => {
    const op = findOperation('ram', 'ListUsers')!;
    const layouts: Record<Language, string[]> = {
      typescript: ['README.md', 'index.ts', 'package.json', 'tsconfig.json'],
      python: ['README.md', 'alibabacloud_sample/__init__.py', 'alibabacloud_sample/sample.py', 'requirements.txt', 'setup.py'],
      go: ['README.md', 'go.mod', 'main.go'],
      java: ['README.md', 'pom.xml', 'src/main/java/com/aliyun/sample/Sample.java'],
    };
    for (const [language, files] of Object.entries(layouts) as Array<[Language, string[]]>) {
      const zipped = unzip(projectZip(op, { MaxItems: 5 }, language, ENDPOINT));
      const prefix = `openeas-ram-listusers-${language}/`;
      assert.deepEqual([...zipped.keys()].map((k) => k.slice(prefix.length)).sort(), files, language);
      const source = files.find((f) => /index\.ts|sample\.py|main\.go|Sample\.java/.test(f))!;
      assert.equal(zipped.get(prefix + source)!.toString('utf8'), generateCode(op, { MaxItems: 5 }, language, ENDPOINT));
    }
  });

  const python = hasTool('python3', ['--version']);
  test('the Python samples run and send exactly the parameters', { skip: python ? false : 'python3 is not installed' }, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openeas-sdk-py-'));
    try {
      for (const c of CASES) {
        const file = path.join(dir, `${c.name}.py`);
        fs.writeFileSync(file, code(c, 'python'));
        const out = spawnSync('python3', [file], {
          encoding: 'utf8',
          env: {
            PATH: process.env.PATH ?? '',
            PYTHONPATH: path.join(FIXTURES, 'stubs/python'),
            PYTHONIOENCODING: 'utf-8',
            PYTHONDONTWRITEBYTECODE: '1',
            ALIBABA_CLOUD_ACCESS_KEY_ID: 'id',
            ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'secret',
          },
        });
        assert.equal(out.status, 0, out.stderr);
        assertEcho(JSON.parse(out.stdout), c, 'python');
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  const java = hasTool('javac', ['-version']) && hasTool('java', ['-version']);
  test('the Java samples compile and send exactly the parameters', { skip: java ? false : 'javac/java are not installed' }, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openeas-sdk-java-'));
    try {
      // One javac run for every case: each sample goes into a package of its own (the only change).
      const sources = CASES.map((c, i) => {
        const file = path.join(dir, `case${i}`, 'Sample.java');
        fs.mkdirSync(path.dirname(file), { recursive: true });
        const text = code(c, 'java');
        assert.ok(text.includes('package com.aliyun.sample;'));
        fs.writeFileSync(file, text.replace('package com.aliyun.sample;', `package case${i};`));
        return file;
      });
      const classes = path.join(dir, 'classes');
      const stubs = path.join(FIXTURES, 'stubs/java');
      const compiled = spawnSync('javac', ['-encoding', 'US-ASCII', '-d', classes, '-sourcepath', stubs, ...sources], { encoding: 'utf8' });
      assert.equal(compiled.status, 0, compiled.stderr);
      for (const [i, c] of CASES.entries()) {
        const out = spawnSync('java', ['-cp', classes, `case${i}.Sample`], {
          encoding: 'utf8',
          env: { PATH: process.env.PATH ?? '', ALIBABA_CLOUD_ACCESS_KEY_ID: 'id', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'secret' },
        });
        assert.equal(out.status, 0, out.stderr);
        assertEcho(JSON.parse(out.stdout), c, 'java');
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
