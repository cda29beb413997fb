// The old RPC signature: a `Signature` parameter over all query and form parameters, notes §3.1.
import { apiError } from '../errors.ts';
import { incompleteSignature } from './incomplete.ts';
import { canonicalQuery, percentEncode } from './canonical.ts';
import { hmac, safeEqual } from './digest.ts';
import type { ParsedSignature, WireRequest } from './types.ts';

export function parseRpc(wire: WireRequest, params: Array<[string, string]>): ParsedSignature {
  const values = (key: string) => params.filter(([k]) => k === key).map(([, v]) => v);
  const signatures = values('Signature');
  const canonicalized = canonicalQuery(params.filter(([k]) => k !== 'Signature'));
  const stringToSign = `${wire.method}&${percentEncode('/')}&${percentEncode(canonicalized)}`;
  if (signatures.length !== 1) throw incompleteSignature('the Signature parameter must appear once.', stringToSign);
  if (values('SignatureMethod')[0] !== 'HMAC-SHA1') throw apiError('InvalidSignatureMethod');

  const accessKeyId = values('AccessKeyId')[0];
  if (!accessKeyId) throw incompleteSignature('the AccessKeyId parameter is missing.', stringToSign);
  const signature = signatures[0];
  return {
    scheme: 'RPC',
    algorithm: 'HMAC-SHA1',
    accessKeyId,
    securityToken: values('SecurityToken')[0],
    timestamp: values('Timestamp')[0],
    nonce: values('SignatureNonce')[0],
    signedHeaders: [],
    stringToSign,
    // RPC keys the HMAC with the secret plus '&' (the empty token secret of the old OAuth-style scheme).
    verify: (secret) => safeEqual(hmac('sha1', `${secret}&`, stringToSign).toString('base64'), signature),
  };
}
