// Calls the server exactly the way Alibaba's generated SDKs do: `callApi` of the official
// @alicloud/openapi-client with ROA params (EAS) or RPC params (RAM, STS, BSS).
import OpenApi, * as $OpenApi from '@alicloud/openapi-client';
import * as $Util from '@alicloud/tea-util';
import OpenApiUtilModule from '@alicloud/openapi-util';

const OpenApiClient = OpenApi.default;
const OpenApiUtil = OpenApiUtilModule.default;

export interface Credentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

export interface ClientOptions extends Credentials {
  /** Server URL, e.g. http://127.0.0.1:8080. */
  url: string;
  /** 'v2' selects the ROA V2 / RPC signature; default is V3 (ACS3-HMAC-SHA256). */
  signatureAlgorithm?: 'v2' | 'ACS3-HMAC-SHA256' | 'ACS3-HMAC-SM3';
  regionId?: string;
}

export interface ApiResult<T = any> {
  statusCode: number;
  headers: Record<string, string>;
  body: T;
}

export function easClient(opts: ClientOptions) {
  const u = new URL(opts.url);
  const config = new $OpenApi.Config({
    accessKeyId: opts.accessKeyId,
    accessKeySecret: opts.accessKeySecret,
    securityToken: opts.securityToken,
    endpoint: u.host,
    protocol: u.protocol.replace(':', ''),
    regionId: opts.regionId ?? 'cn-hangzhou',
    signatureAlgorithm: opts.signatureAlgorithm,
  });
  return new OpenApiClient(config);
}

/** Encodes a path parameter as the generated EAS SDK does. */
export const encodePath = (s: string): string => OpenApiUtil.getEncodeParam(s);

export interface RoaCall {
  action: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  pathname: string;
  query?: Record<string, unknown>;
  body?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** One EAS (ROA, 2021-07-01) call, built like the generated SDK's `…WithOptions` methods. */
export async function callEas(client: InstanceType<typeof OpenApiClient>, call: RoaCall): Promise<ApiResult> {
  const request = new $OpenApi.OpenApiRequest({
    headers: call.headers ?? {},
    query: call.query ? OpenApiUtil.query(call.query) : undefined,
    body: call.body ? OpenApiUtil.parseToMap(call.body) : undefined,
  });
  const params = new $OpenApi.Params({
    action: call.action,
    version: '2021-07-01',
    protocol: 'HTTPS',
    pathname: call.pathname,
    method: call.method,
    authType: 'AK',
    style: 'ROA',
    reqBodyType: 'json',
    bodyType: 'json',
  });
  return (await client.callApi(params, request, new $Util.RuntimeOptions({}))) as ApiResult;
}

/** One RPC call (RAM 2015-05-01, STS 2015-04-01, BSS 2017-12-14), like the generated SDKs. */
export async function callRpc(
  client: InstanceType<typeof OpenApiClient>,
  version: string,
  action: string,
  query: Record<string, unknown> = {},
): Promise<ApiResult> {
  const request = new $OpenApi.OpenApiRequest({ query: OpenApiUtil.query(query) });
  const params = new $OpenApi.Params({
    action,
    version,
    protocol: 'HTTPS',
    pathname: '/',
    method: 'POST',
    authType: 'AK',
    style: 'RPC',
    reqBodyType: 'formData',
    bodyType: 'json',
  });
  return (await client.callApi(params, request, new $Util.RuntimeOptions({}))) as ApiResult;
}

/** Runs `fn` and returns the error the official client threw (fails if it did not throw). */
export async function expectApiError(
  fn: () => Promise<unknown>,
): Promise<{ code: string; statusCode: number; message: string; data: any; accessDeniedDetail?: any }> {
  try {
    await fn();
  } catch (e) {
    const err = e as { code: string; statusCode: number; message: string; data: any; accessDeniedDetail?: any };
    if (typeof err.code !== 'string') throw e;
    return err;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
