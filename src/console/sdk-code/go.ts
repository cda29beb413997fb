// Go: darabonba-openapi v2's generic CallApi, in the shape of Alibaba's generated samples
// (CreateClient, CreateApiInfo, _main with the tea.Recover block; errors print Message and Recommend).
import { apiInfo, quoted, type CodeContext } from './context.ts';

const GO_FIELDS: Record<string, string> = {
  action: 'Action',
  version: 'Version',
  protocol: 'Protocol',
  method: 'Method',
  authType: 'AuthType',
  style: 'Style',
  pathname: 'Pathname',
  reqBodyType: 'ReqBodyType',
  bodyType: 'BodyType',
};

/**
 * JSON.stringify's escapes are Go's (\" \\ \n \t \uXXXX); other text stays UTF-8, which Go source
 * is. A lone surrogate would not compile: explorer/request.ts refuses those before we get here.
 */
export function goLiteral(value: unknown, indent = ''): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'string') return quoted(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const inner = indent + '\t';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]interface{}{}';
    return `[]interface{}{\n${value.map((v) => inner + goLiteral(v, inner)).join(',\n')},\n${indent}}`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return 'map[string]interface{}{}';
  return `map[string]interface{}{\n${entries.map(([k, v]) => `${inner}${quoted(k)}: ${goLiteral(v, inner)}`).join(',\n')},\n${indent}}`;
}

export function goCode(ctx: CodeContext): string {
  const { call } = ctx;
  const width = Math.max(...Object.values(GO_FIELDS).map((f) => f.length)) + 1;
  const info = apiInfo(ctx)
    .map(
      ([field, value, comment]) =>
        (comment ? `\t\t// ${comment}\n` : '') + `\t\t${(GO_FIELDS[field]! + ':').padEnd(width)} tea.String(${quoted(value)}),`,
    )
    .join('\n');
  const lines = ['\tqueries := map[string]interface{}{}'];
  for (const [k, v] of Object.entries(call.query)) lines.push(`\tqueries[${quoted(k)}] = ${goLiteral(v, '\t')}`);
  const request = ['\t\tQuery: openapiutil.Query(queries),'];
  if (call.body !== undefined) {
    lines.push(`\tbody := ${goLiteral(call.body, '\t')}`);
    request.push('\t\tBody:  body,');
  }
  return `// This file is auto-generated, don't edit it. Thanks.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	openapiutil "github.com/alibabacloud-go/openapi-util/service"
	util "github.com/alibabacloud-go/tea-utils/v2/service"
	"github.com/alibabacloud-go/tea/tea"
)

// Description:
//
// Initializes the Client with the AccessKey pair from the environment.
//
// @return Client
func CreateClient() (_result *openapi.Client, _err error) {
	config := &openapi.Config{
		// Required: make sure ALIBABA_CLOUD_ACCESS_KEY_ID is set in the environment.
		AccessKeyId: tea.String(os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_ID")),
		// Required: make sure ALIBABA_CLOUD_ACCESS_KEY_SECRET is set in the environment.
		AccessKeySecret: tea.String(os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET")),
	}
	// The openeas server this code was generated on.
	config.Endpoint = tea.String(${quoted(ctx.endpoint)})
	config.Protocol = tea.String("http")
	_result = &openapi.Client{}
	_result, _err = openapi.NewClient(config)
	return _result, _err
}

// Description:
//
// API information: ${ctx.op.productCode} ${ctx.op.version} ${ctx.op.action}.
//
// @return OpenApi.Params
func CreateApiInfo() (_result *openapi.Params) {
	params := &openapi.Params{
${info}
	}
	_result = params
	return _result
}

func _main(args []*string) (_err error) {
	client, _err := CreateClient()
	if _err != nil {
		return _err
	}

	params := CreateApiInfo()
${lines.join('\n')}
	runtime := &util.RuntimeOptions{}
	request := &openapi.OpenApiRequest{
${request.join('\n')}
	}
	tryErr := func() (_e error) {
		defer func() {
			if r := tea.Recover(recover()); r != nil {
				_e = r
			}
		}()
		resp, _err := client.CallApi(params, request, runtime)
		if _err != nil {
			return _err
		}
		fmt.Println(tea.StringValue(util.ToJSONString(resp["body"])))
		return nil
	}()

	if tryErr != nil {
		var error = &tea.SDKError{}
		if _t, ok := tryErr.(*tea.SDKError); ok {
			error = _t
		} else {
			error.Message = tea.String(tryErr.Error())
		}
		// Printed for this demo only; handle errors properly in real code.
		// The error message
		fmt.Println(tea.StringValue(error.Message))
		// The diagnosis address
		var data interface{}
		d := json.NewDecoder(strings.NewReader(tea.StringValue(error.Data)))
		d.Decode(&data)
		if m, ok := data.(map[string]interface{}); ok {
			recommend, _ := m["Recommend"]
			fmt.Println(recommend)
		}
		_, _err = util.AssertAsString(error.Message)
		if _err != nil {
			return _err
		}
		return tryErr
	}
	return _err
}

func main() {
	err := _main(tea.StringSlice(os.Args[1:]))
	if err != nil {
		panic(err)
	}
}
`;
}
