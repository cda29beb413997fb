// Java: com.aliyun.teaopenapi.Client's generic callApi, in the shape of Alibaba's generated samples
// (class Sample: createClient, createApiInfo, main; TeaException prints message and Recommend).
import { apiInfo, asciiQuoted, type CodeContext } from './context.ts';

const SETTERS: Record<string, string> = {
  action: 'setAction',
  version: 'setVersion',
  protocol: 'setProtocol',
  method: 'setMethod',
  authType: 'setAuthType',
  style: 'setStyle',
  pathname: 'setPathname',
  reqBodyType: 'setReqBodyType',
  bodyType: 'setBodyType',
};

const INT_MAX = 2147483647;

/**
 * Strings as Java literals with every non-ASCII unit escaped (javac reads \uXXXX before lexing, and
 * JSON.stringify writes a newline as \n, never \u000a, so no escape can end a literal early).
 * Maps through Tea's TeaConverter.buildMap, lists through Arrays.asList, as Alibaba's code does.
 */
export function javaLiteral(value: unknown, indent = ''): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return asciiQuoted(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return String(value);
    return Math.abs(value) > INT_MAX ? `${value}L` : String(value);
  }
  const inner = indent + '    ';
  if (Array.isArray(value)) {
    if (value.length === 0) return 'new java.util.ArrayList<Object>()';
    return `java.util.Arrays.asList(\n${value.map((v) => inner + javaLiteral(v, inner)).join(',\n')}\n${indent})`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return 'new java.util.HashMap<String, Object>()';
  return `TeaConverter.buildMap(\n${entries.map(([k, v]) => `${inner}new TeaPair(${asciiQuoted(k)}, ${javaLiteral(v, inner)})`).join(',\n')}\n${indent})`;
}

export function javaCode(ctx: CodeContext): string {
  const { call } = ctx;
  const info = apiInfo(ctx)
    .map(
      ([field, value, comment]) =>
        (comment ? `                // ${comment}\n` : '') + `                .${SETTERS[field]}(${asciiQuoted(value)})`,
    )
    .join('\n');
  const lines = ['        java.util.Map<String, Object> queries = new java.util.HashMap<>();'];
  for (const [k, v] of Object.entries(call.query)) lines.push(`        queries.put(${asciiQuoted(k)}, ${javaLiteral(v, '        ')});`);
  const request = ['                .setQuery(com.aliyun.openapiutil.Client.query(queries))'];
  if (call.body !== undefined) {
    lines.push(`        Object body = ${javaLiteral(call.body, '        ')};`);
    request.push('                .setBody(body)');
  }
  const catchBody = `            // Printed for this demo only; handle errors properly in real code.
            // The error message
            System.out.println(error.getMessage());
            // The diagnosis address
            System.out.println(error.getData() == null ? null : error.getData().get("Recommend"));
            com.aliyun.teautil.Common.assertAsString(error.message);
            System.exit(1);`;
  return `// This file is auto-generated, don't edit it. Thanks.
package com.aliyun.sample;

import com.aliyun.tea.*;

public class Sample {

    /**
     * <b>description</b> :
     * <p>Initializes the Client with the AccessKey pair from the environment.</p>
     * @return Client
     *
     * @throws Exception
     */
    public static com.aliyun.teaopenapi.Client createClient() throws Exception {
        com.aliyun.teaopenapi.models.Config config = new com.aliyun.teaopenapi.models.Config()
                // Required: make sure ALIBABA_CLOUD_ACCESS_KEY_ID is set in the environment.
                .setAccessKeyId(System.getenv("ALIBABA_CLOUD_ACCESS_KEY_ID"))
                // Required: make sure ALIBABA_CLOUD_ACCESS_KEY_SECRET is set in the environment.
                .setAccessKeySecret(System.getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET"));
        // The openeas server this code was generated on.
        config.endpoint = ${asciiQuoted(ctx.endpoint)};
        config.protocol = "http";
        return new com.aliyun.teaopenapi.Client(config);
    }

    /**
     * <b>description</b> :
     * <p>API information: ${ctx.op.productCode} ${ctx.op.version} ${ctx.op.action}.</p>
     * @return OpenApi.Params
     */
    public static com.aliyun.teaopenapi.models.Params createApiInfo() throws Exception {
        com.aliyun.teaopenapi.models.Params params = new com.aliyun.teaopenapi.models.Params()
${info};
        return params;
    }

    public static void main(String[] args_) throws Exception {
        java.util.List<String> args = java.util.Arrays.asList(args_);
        com.aliyun.teaopenapi.Client client = Sample.createClient();
        com.aliyun.teaopenapi.models.Params params = Sample.createApiInfo();
${lines.join('\n')}
        com.aliyun.teautil.models.RuntimeOptions runtime = new com.aliyun.teautil.models.RuntimeOptions();
        com.aliyun.teaopenapi.models.OpenApiRequest request = new com.aliyun.teaopenapi.models.OpenApiRequest()
${request.join('\n')};
        try {
            java.util.Map<String, ?> resp = client.callApi(params, request, runtime);
            System.out.println(com.aliyun.teautil.Common.toJSONString(resp.get("body")));
        } catch (TeaException error) {
${catchBody}
        } catch (Exception _error) {
            TeaException error = new TeaException(_error.getMessage(), _error);
${catchBody}
        }
    }
}
`;
}
