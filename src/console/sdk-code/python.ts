// Python: alibabacloud_tea_openapi's generic call_api, in the shape of Alibaba's generated samples
// (class Sample: create_client, create_api_info, main; errors print message and Recommend).
import { apiInfo, isPlainObject, quoted, type CodeContext } from './context.ts';

const SNAKE: Record<string, string> = { authType: 'auth_type', reqBodyType: 'req_body_type', bodyType: 'body_type' };

/** JSON.stringify's string escapes (\" \\ \n \uXXXX) are Python's too; non-ASCII stays UTF-8 (the file says so). */
export function pyLiteral(value: unknown, indent = ''): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'string') return quoted(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  const inner = indent + '    ';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + pyLiteral(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${quoted(k)}: ${pyLiteral(v, inner)}`).join(',\n')}\n${indent}}`;
}

/**
 * OpenApiUtilClient.query writes each leaf with str(), so a Python True would travel as "True";
 * the API reads true/false. Booleans in the query are therefore written as those strings.
 */
function queryValue(value: unknown): unknown {
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(queryValue);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, queryValue(v)]));
  return value;
}

export function pythonCode(ctx: CodeContext): string {
  const { call } = ctx;
  const info = apiInfo(ctx)
    .map(
      ([field, value, comment]) => (comment ? `            # ${comment}\n` : '') + `            ${SNAKE[field] ?? field}=${quoted(value)},`,
    )
    .join('\n');
  const queries = Object.entries(call.query).map(([k, v]) => `        queries[${quoted(k)}] = ${pyLiteral(queryValue(v), '        ')}`);
  if (JSON.stringify(call.query) !== JSON.stringify(queryValue(call.query))) {
    queries.unshift('        # Booleans travel in the query as the text true/false (str(True) would send "True").');
  }
  const request = ['            query=OpenApiUtilClient.query(queries),'];
  const lines = ['        queries = {}', ...queries];
  if (call.body !== undefined) {
    lines.push(`        body = ${pyLiteral(call.body, '        ')}`);
    request.push('            body=body,');
  }
  return `# -*- coding: utf-8 -*-
# This file is auto-generated, don't edit it. Thanks.
import json
import os
import sys

from typing import List

from alibabacloud_tea_openapi.client import Client as OpenApiClient
from alibabacloud_tea_openapi import models as open_api_models
from alibabacloud_tea_util import models as util_models
from alibabacloud_tea_util.client import Client as UtilClient
from alibabacloud_openapi_util.client import Client as OpenApiUtilClient


class Sample:
    def __init__(self):
        pass

    @staticmethod
    def create_client() -> OpenApiClient:
        """
        Initializes the Client with the AccessKey pair from the environment.
        @return: Client
        """
        config = open_api_models.Config(
            # Required: make sure ALIBABA_CLOUD_ACCESS_KEY_ID is set in the environment.
            access_key_id=os.environ['ALIBABA_CLOUD_ACCESS_KEY_ID'],
            # Required: make sure ALIBABA_CLOUD_ACCESS_KEY_SECRET is set in the environment.
            access_key_secret=os.environ['ALIBABA_CLOUD_ACCESS_KEY_SECRET']
        )
        # The openeas server this code was generated on.
        config.endpoint = ${quoted(ctx.endpoint)}
        config.protocol = 'http'
        return OpenApiClient(config)

    @staticmethod
    def create_api_info() -> open_api_models.Params:
        """
        API information: ${ctx.op.productCode} ${ctx.op.version} ${ctx.op.action}.
        @return: OpenApi.Params
        """
        params = open_api_models.Params(
${info}
        )
        return params

    @staticmethod
    def main(
        args: List[str],
    ) -> None:
        client = Sample.create_client()
        params = Sample.create_api_info()
${lines.join('\n')}
        runtime = util_models.RuntimeOptions()
        request = open_api_models.OpenApiRequest(
${request.join('\n')}
        )
        try:
            resp = client.call_api(params, request, runtime)
            print(json.dumps(resp['body'], indent=2, ensure_ascii=False))
        except Exception as error:
            # Printed for this demo only; handle errors properly in real code.
            # The error message
            print(error.message)
            # The diagnosis address
            print(error.data.get("Recommend"))
            UtilClient.assert_as_string(error.message)
            sys.exit(1)


if __name__ == '__main__':
    Sample.main(sys.argv[1:])
`;
}
