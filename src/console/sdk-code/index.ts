// SDK code for exactly the parameters of an Explorer call, in four languages, as source text or as
// a small runnable project (a .zip). See docs/explorer.md for the sample shapes this follows.
import { apiError } from '../../gateway/errors.ts';
import type { CatalogOperation } from '../explorer/catalog.ts';
import { buildCall } from '../explorer/request.ts';
import type { CodeContext } from './context.ts';
import { goCode } from './go.ts';
import { javaCode } from './java.ts';
import { pythonCode } from './python.ts';
import { typescriptCode } from './typescript.ts';
import { zip, type ZipEntry } from './zip.ts';

export type Language = 'typescript' | 'python' | 'go' | 'java';
export const LANGUAGES: readonly Language[] = ['typescript', 'python', 'go', 'java'];

const GENERATORS: Record<Language, (ctx: CodeContext) => string> = {
  typescript: typescriptCode,
  python: pythonCode,
  go: goCode,
  java: javaCode,
};

export function parseLanguage(value: unknown): Language {
  const v = typeof value === 'string' ? value.toLowerCase() : '';
  const lang = v === 'ts' ? 'typescript' : v === 'py' ? 'python' : v === 'golang' ? 'go' : v;
  if (!(LANGUAGES as readonly string[]).includes(lang)) {
    throw apiError('InvalidParameter', { name: 'Language', reason: `It must be one of: ${LANGUAGES.join(', ')}.` });
  }
  return lang as Language;
}

export function generateCode(op: CatalogOperation, params: unknown, language: Language, endpoint: string): string {
  return GENERATORS[language]({ op, call: buildCall(op, params), endpoint });
}

/** The source file's path inside the project, as Alibaba's downloads lay it out. */
const SOURCE_FILE: Record<Language, string> = {
  typescript: 'index.ts',
  python: 'alibabacloud_sample/sample.py',
  go: 'main.go',
  java: 'src/main/java/com/aliyun/sample/Sample.java',
};

const RUN: Record<Language, string> = {
  typescript: 'npm install\nnpm start',
  python: 'pip install -r requirements.txt\npython alibabacloud_sample/sample.py',
  go: 'go mod tidy\ngo run .',
  java: 'mvn -q compile exec:java',
};

function projectFiles(language: Language, name: string): ZipEntry[] {
  switch (language) {
    case 'typescript':
      return [
        {
          name: 'package.json',
          content:
            JSON.stringify(
              {
                name,
                version: '1.0.0',
                private: true,
                description: 'openeas API Explorer sample',
                scripts: { start: 'tsx index.ts', build: 'tsc', typecheck: 'tsc --noEmit' },
                dependencies: {
                  '@alicloud/openapi-client': '^0.4.15',
                  '@alicloud/openapi-util': '^0.3.3',
                  '@alicloud/tea-util': '^1.4.11',
                },
                devDependencies: { '@types/node': '^20.19.0', tsx: '^4.20.0', typescript: '^5.9.0' },
              },
              null,
              2,
            ) + '\n',
        },
        {
          name: 'tsconfig.json',
          content:
            JSON.stringify(
              {
                compilerOptions: {
                  target: 'ES2020',
                  module: 'commonjs',
                  moduleResolution: 'node',
                  esModuleInterop: true,
                  strict: true,
                  skipLibCheck: true,
                  outDir: 'dist',
                  types: ['node'],
                },
                files: ['index.ts'],
              },
              null,
              2,
            ) + '\n',
        },
      ];
    case 'python':
      return [
        {
          name: 'requirements.txt',
          content: 'alibabacloud_tea_openapi>=0.3.12\nalibabacloud_tea_util>=0.3.13\nalibabacloud_openapi_util>=0.2.2\n',
        },
        {
          name: 'setup.py',
          content: `# -*- coding: utf-8 -*-
from setuptools import setup, find_packages

setup(
    name=${JSON.stringify(name.replace(/-/g, '_'))},
    version='1.0.0',
    description='openeas API Explorer sample',
    packages=find_packages(),
    python_requires='>=3.7',
    install_requires=[
        'alibabacloud_tea_openapi>=0.3.12',
        'alibabacloud_tea_util>=0.3.13',
        'alibabacloud_openapi_util>=0.2.2',
    ],
)
`,
        },
        { name: 'alibabacloud_sample/__init__.py', content: '' },
      ];
    case 'go':
      return [
        {
          name: 'go.mod',
          content: `module ${name}

go 1.20

require (
	github.com/alibabacloud-go/darabonba-openapi/v2 v2.0.10
	github.com/alibabacloud-go/openapi-util v0.1.1
	github.com/alibabacloud-go/tea v1.2.2
	github.com/alibabacloud-go/tea-utils/v2 v2.0.7
)
`,
        },
      ];
    case 'java':
      return [
        {
          name: 'pom.xml',
          content: `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 http://maven.apache.org/xsd/maven-4.0.0.xsd">
    <modelVersion>4.0.0</modelVersion>
    <groupId>com.aliyun</groupId>
    <artifactId>sample</artifactId>
    <version>1.0.0</version>
    <packaging>jar</packaging>
    <name>${name}</name>
    <properties>
        <maven.compiler.source>1.8</maven.compiler.source>
        <maven.compiler.target>1.8</maven.compiler.target>
        <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
    </properties>
    <dependencies>
        <dependency>
            <groupId>com.aliyun</groupId>
            <artifactId>tea-openapi</artifactId>
            <version>0.3.6</version>
        </dependency>
    </dependencies>
    <build>
        <plugins>
            <plugin>
                <groupId>org.codehaus.mojo</groupId>
                <artifactId>exec-maven-plugin</artifactId>
                <version>3.1.0</version>
                <configuration>
                    <mainClass>com.aliyun.sample.Sample</mainClass>
                </configuration>
            </plugin>
        </plugins>
    </build>
</project>
`,
        },
      ];
  }
}

function readme(op: CatalogOperation, language: Language, endpoint: string): string {
  return `# ${op.action} (${op.productCode} ${op.version}): a runnable sample

Generated by the openeas API Explorer for exactly the parameters it was given, against the openeas
server at http://${endpoint}. No credential is written in the code: it reads the AccessKey pair
from the environment when it runs.

\`\`\`sh
export ALIBABA_CLOUD_ACCESS_KEY_ID=...      # an AccessKey of this openeas server
export ALIBABA_CLOUD_ACCESS_KEY_SECRET=...
${RUN[language]}
\`\`\`

It prints the answer's JSON body; on an error it prints the message and the diagnosis address
(Recommend) and exits with status 1.

Source: \`${SOURCE_FILE[language]}\`.
`;
}

/** The project's folder name inside the zip, e.g. `openeas-eas-listresources-typescript`. */
export function projectName(op: CatalogOperation, language: Language): string {
  return `openeas-${op.product}-${op.action.toLowerCase()}-${language}`;
}

export function projectZip(op: CatalogOperation, params: unknown, language: Language, endpoint: string, at?: Date): Buffer {
  const code = generateCode(op, params, language, endpoint);
  const name = projectName(op, language);
  const files: ZipEntry[] = [
    ...projectFiles(language, name),
    { name: SOURCE_FILE[language], content: code },
    { name: 'README.md', content: readme(op, language, endpoint) },
  ];
  return zip(
    files.map((f) => ({ ...f, name: `${name}/${f.name}` })),
    at,
  );
}
