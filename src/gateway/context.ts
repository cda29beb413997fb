// What every layer may know about the request it serves.
import type { FastifyBaseLogger } from 'fastify';
import type { Services } from '../services.ts';

export type PrincipalType = 'root' | 'user' | 'assumed-role';

/** The authenticated identity behind a request. */
export interface Caller {
  accountId: string;
  accessKeyId: string;
  principalType: PrincipalType;
  /** RAM user id, or `<roleId>:<session>` for an assumed role; the account id for root. */
  principalId: string;
  /** RAM user name, `RoleName:SessionName`, or the account id for root. */
  displayName: string;
  /** `acs:ram::<uid>:root`, `acs:ram::<uid>:user/<name>`, `acs:ram::<uid>:role/<name>/<session>`. */
  arn: string;
  /** STS session policy (JSON text) narrowing an assumed role, if any. */
  sessionPolicy?: string;
}

export interface CallContext {
  requestId: string;
  caller: Caller;
  /** The region the call addresses: the ClusterId path parameter, else the endpoint's region. */
  region: string;
  sourceIp: string;
  secureTransport: boolean;
  /** Host header, echoed as HostId in errors. */
  host: string;
  log: FastifyBaseLogger;
  services: Services;
  /** Raw request headers (lower-case names), e.g. for x-acs-client-token. */
  headers: Record<string, string | string[] | undefined>;
  /** Decoded query parameters as sent, including ones the API spec does not name (ClientToken). */
  rawQuery: Record<string, string>;
}
