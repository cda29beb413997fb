// Which scheme signed this request? Dispatches on the Authorization header or the Signature parameter.
import { apiError } from '../errors.ts';
import { incompleteSignature } from './incomplete.ts';
import { parseRoaV2 } from './roa-v2.ts';
import { parseRpc } from './rpc.ts';
import type { ParsedSignature, WireRequest } from './types.ts';
import { parseV3 } from './v3.ts';
import { headerValues, rpcParams } from './wire.ts';

/** Detects the scheme and parses everything verification needs; throws the catalog errors. */
export function parseSignedRequest(wire: WireRequest): ParsedSignature {
  // Bearer tokens are not supported yet: such a request carries no signature we can check.
  if (headerValues(wire.rawHeaders, 'x-acs-bearer-token').length > 0) throw apiError('MissingAuthorization');

  const authorizations = headerValues(wire.rawHeaders, 'authorization');
  if (authorizations.length > 1) {
    throw incompleteSignature('more than one Authorization header was sent.', { none: 'it is not known which of them to check' });
  }
  if (authorizations.length === 1) {
    const authorization = authorizations[0].trim();
    return authorization.startsWith('acs ') ? parseRoaV2(wire, authorization) : parseV3(wire, authorization);
  }

  const params = rpcParams(wire);
  if (params.some(([k]) => k === 'Signature')) return parseRpc(wire, params);
  throw apiError('MissingAuthorization');
}
