// TypeScript: @alicloud/openapi-client's generic callApi, the shape of Alibaba's generated
// "Common mode" samples (createClient, createApiInfo, main; errors print message and Recommend).
import { apiInfo, isPlainObject, quoted, type CodeContext } from './context.ts';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

export function tsLiteral(value: unknown, indent = ''): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return quoted(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const inner = indent + '  ';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + tsLiteral(v, inner)).join(',\n')},\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${IDENTIFIER.test(k) ? k : quoted(k)}: ${tsLiteral(v, inner)}`).join(',\n')},\n${indent}}`;
}

export function typescriptCode(ctx: CodeContext): string {
  const { call } = ctx;
  const info = apiInfo(ctx)
    .map(([field, value, comment]) => (comment ? `      // ${comment}\n` : '') + `      ${field}: ${quoted(value)},`)
    .join('\n');
  const lines: string[] = [];
  const hasQuery = Object.keys(call.query).length > 0;
  lines.push(`    let queries: { [key: string]: any } = ${tsLiteral(call.query, '    ')};`);
  if (call.body !== undefined)
    lines.push(`    let body: ${isPlainObject(call.body) ? '{ [key: string]: any }' : 'any'} = ${tsLiteral(call.body, '    ')};`);
  const request = [`      query: OpenApiUtil.query(queries),`];
  if (call.body !== undefined) request.push('      body: body,');
  return `// This file is auto-generated, don't edit it
// Dependencies: see package.json (@alicloud/openapi-client, @alicloud/openapi-util, @alicloud/tea-util).
import OpenApi, * as $OpenApi from '@alicloud/openapi-client';
import OpenApiUtil from '@alicloud/openapi-util';
import Util, * as $Util from '@alicloud/tea-util';

export default class Client {
  /**
   * Initializes the Client with the AccessKey pair from the environment.
   * @return Client
   */
  static createClient(): OpenApi {
    let config = new $OpenApi.Config({
      // Required: make sure ALIBABA_CLOUD_ACCESS_KEY_ID is set in the environment.
      accessKeyId: process.env['ALIBABA_CLOUD_ACCESS_KEY_ID'],
      // Required: make sure ALIBABA_CLOUD_ACCESS_KEY_SECRET is set in the environment.
      accessKeySecret: process.env['ALIBABA_CLOUD_ACCESS_KEY_SECRET'],
    });
    // The openeas server this code was generated on.
    config.endpoint = ${quoted(ctx.endpoint)};
    config.protocol = 'http';
    return new OpenApi(config);
  }

  /**
   * API information: ${ctx.op.productCode} ${ctx.op.version} ${ctx.op.action}.
   * @return OpenApi.Params
   */
  static createApiInfo(): $OpenApi.Params {
    let params = new $OpenApi.Params({
${info}
    });
    return params;
  }

  static async main(args: string[]): Promise<void> {
    let client = Client.createClient();
    let params = Client.createApiInfo();
${hasQuery || call.body !== undefined ? '' : '    // This call has no parameters.\n'}${lines.join('\n')}
    let runtime = new $Util.RuntimeOptions({});
    let request = new $OpenApi.OpenApiRequest({
${request.join('\n')}
    });
    try {
      let result = await client.callApi(params, request, runtime);
      console.log(JSON.stringify(result.body, null, 2));
    } catch (error: any) {
      // Printed for this demo only; handle errors properly in real code.
      // The error message
      console.log(error.message);
      // The diagnosis address
      console.log(error.data?.['Recommend']);
      Util.assertAsString(error.message);
      process.exitCode = 1;
    }
  }
}

Client.main(process.argv.slice(2));
`;
}
