// What every layer may know about the request it serves.
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { Services } from '../services.ts';
import type { AuthorizationRequest, Operation, Output, RawInput } from './operation.ts';
import type { ApiError } from './errors.ts';
import type { PendingNonce } from './authenticate.ts';

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
  /** The request's nonce, when it is left for the call's mutation to use up (authenticate.ts). */
  nonce?: PendingNonce;
}

/**
 * What the pipeline knew of an API call when it ended, for observers such as the audit trail
 * (services.audit). Fields are filled as the call gets further: a call refused before
 * authentication has no caller.
 */
export interface FinishedCall {
  request: FastifyRequest;
  operation: Operation;
  raw?: RawInput;
  caller?: Caller;
  ctx?: CallContext;
  authorization?: AuthorizationRequest;
  output?: Output;
  error?: ApiError;
}

export interface CallObserver {
  /** Runs as the call ends (synchronously, so before another request is served); must not block. */
  callFinished(call: FinishedCall): void;
  /** Resolves once everything observed so far is stored (before state is read, exported or replaced). */
  flush(): Promise<void>;
}
