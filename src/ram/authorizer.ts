// Decides whether a caller may perform an action on a resource. The account's root key is not
// subject to identity policies (protocol notes §6.5); RAM identities are judged by their policies.
import { apiError } from '../gateway/errors.ts';
import type { CallContext, Caller } from '../gateway/context.ts';
import type { AuthorizationRequest } from '../gateway/operation.ts';

export interface Authorizer {
  /** Resolves when allowed; throws Forbidden.RAM (with AccessDeniedDetail) when not. */
  authorize(caller: Caller, request: AuthorizationRequest, ctx: CallContext): Promise<void>;
}

/** Until RAM identities exist, only root keys can sign requests, and root may do everything. */
export const rootOnlyAuthorizer: Authorizer = {
  async authorize(caller, request) {
    if (caller.principalType === 'root') return;
    throw apiError('Forbidden.RAM', {}, {
      AccessDeniedDetail: {
        AuthAction: request.action,
        AuthPrincipalType: caller.principalType === 'user' ? 'SubUser' : 'AssumedRoleUser',
        AuthPrincipalOwnerId: caller.accountId,
        AuthPrincipalDisplayName: caller.displayName,
        NoPermissionType: 'ImplicitDeny',
        PolicyType: 'AccountLevelIdentityBasedPolicy',
      },
    });
  },
};
