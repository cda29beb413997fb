// Signature V3 (ACS3-HMAC-SHA256 / ACS3-HMAC-SM3 / ACS3-RSA-SHA256), protocol notes §2.
// The server rebuilds the canonical request from the wire alone; signV3 reuses the same builder.
import crypto from 'node:crypto';
import { apiError } from '../errors.ts';
import { incompleteSignature } from './incomplete.ts';
import { canonicalQuery, canonicalUri } from './canonical.ts';
import { digest, hashName, hashPayload, hmac, safeEqual } from './digest.ts';
import { V3_ALGORITHMS, type ParsedSignature, type V3Algorithm, type WireRequest } from './types.ts';
import { headerValue, queryPairs, splitTarget } from './wire.ts';

const AUTHORIZATION = /^(\S+) Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=(\S+)$/;

/** Headers a signature must cover, or a captured request could be re-dated, replayed or re-bodied. */
const REQUIRED_SIGNED = ['host', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256'];

function isV3Algorithm(name: string): name is V3Algorithm {
  return (V3_ALGORITHMS as readonly string[]).includes(name);
}

/** The canonical request for the listed headers, each read from the wire as 'name:value\n'. */
function v3CanonicalRequest(method: string, rawUrl: string, rawHeaders: string[], signedHeaders: string[], hashedPayload: string): string {
  const headers = signedHeaders.map((name) => `${name}:${headerValue(rawHeaders, name) ?? ''}\n`).join('');
  return [
    method,
    canonicalUri(splitTarget(rawUrl).path),
    canonicalQuery(queryPairs(rawUrl)),
    headers,
    signedHeaders.join(';'),
    hashedPayload,
  ].join('\n');
}

function v3StringToSign(algorithm: V3Algorithm, canonicalRequest: string): string {
  return `${algorithm}\n${digest(hashName(algorithm), canonicalRequest)}`;
}

/** The client adds the PKCS#8 wrapper when a bare key body is configured; so do we. */
function privateKeyPem(secret: string): string {
  return secret.startsWith('-----BEGIN') ? secret : `-----BEGIN PRIVATE KEY-----\n${secret}\n-----END PRIVATE KEY-----`;
}

function v3Signature(algorithm: V3Algorithm, secret: string, stringToSign: string): string {
  if (algorithm === 'ACS3-RSA-SHA256') {
    return crypto.sign('RSA-SHA256', Buffer.from(stringToSign, 'utf8'), privateKeyPem(secret)).toString('hex');
  }
  return hmac(hashName(algorithm), secret, stringToSign).toString('hex');
}

function v3Verify(algorithm: V3Algorithm, secret: string, stringToSign: string, signature: string): boolean {
  const sig = signature.toLowerCase();
  if (algorithm !== 'ACS3-RSA-SHA256') return safeEqual(v3Signature(algorithm, secret, stringToSign), sig);
  if (!/^(?:[0-9a-f]{2})+$/.test(sig)) return false;
  try {
    return crypto.verify('RSA-SHA256', Buffer.from(stringToSign, 'utf8'), secret, Buffer.from(sig, 'hex'));
  } catch {
    return false; // not a usable public key
  }
}

export function parseV3(wire: WireRequest, authorization: string): ParsedSignature {
  const m = AUTHORIZATION.exec(authorization);
  if (!m) {
    throw incompleteSignature('the Authorization header does not parse.', {
      none:
        'it is built from the algorithm and SignedHeaders of an Authorization header of the form ' +
        '"ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=<names separated by ;>,Signature=<hex>"',
    });
  }
  const [, algorithm, accessKeyId, signedList, signature] = m;
  if (!isV3Algorithm(algorithm)) throw apiError('InvalidSignatureMethod');

  const signedHeaders = signedList.split(';').map((name) => name.toLowerCase());
  if (signedHeaders.includes('')) {
    throw incompleteSignature('SignedHeaders contains an empty name.', { none: 'it is built from the headers SignedHeaders names' });
  }
  const header = (name: string) => headerValue(wire.rawHeaders, name);
  const hashedPayload = header('x-acs-content-sha256') ?? '';
  const canonicalRequest = v3CanonicalRequest(wire.method, wire.rawUrl, wire.rawHeaders, signedHeaders, hashedPayload);
  const stringToSign = v3StringToSign(algorithm, canonicalRequest);

  const securityToken = header('x-acs-security-token');
  // Headers that steer the request (which API, which token) must be covered when they are sent:
  // otherwise a man in the middle could re-route a signed call to another action.
  const steering = ['x-acs-security-token', 'x-acs-action', 'x-acs-version'].filter((name) => header(name) !== undefined);
  const required = [...REQUIRED_SIGNED, ...steering];
  const unsigned = required.filter((name) => !signedHeaders.includes(name));
  if (unsigned.length > 0) {
    throw incompleteSignature(`SignedHeaders must include ${unsigned.join(', ')}.`, stringToSign);
  }
  if (hashPayload(algorithm, wire.body) !== hashedPayload.toLowerCase()) throw apiError('ContentSha256NotMatched');

  return {
    scheme: 'V3',
    algorithm,
    accessKeyId,
    securityToken,
    timestamp: header('x-acs-date'),
    nonce: header('x-acs-signature-nonce'),
    signedHeaders,
    stringToSign,
    canonicalRequest,
    verify: (secret) => v3Verify(algorithm, secret, stringToSign, signature),
  };
}

/** Header names the Node and Go runtimes sign (the Python runtime signs every header). */
function signedByNodeClient(name: string): boolean {
  return name.startsWith('x-acs-') || name === 'host' || name === 'content-type';
}

/**
 * Client-side V3 signer, as the official Node client signs: returns the Authorization value. The
 * caller supplies host and the x-acs-* headers, including x-acs-content-sha256 of `body`.
 */
export function signV3(input: {
  method: string;
  rawUrl: string;
  headers: Record<string, string>;
  body: Buffer;
  accessKeyId: string;
  secret: string;
  algorithm?: V3Algorithm;
}): string {
  const algorithm = input.algorithm ?? 'ACS3-HMAC-SHA256';
  const rawHeaders = Object.entries(input.headers).flat();
  const names = Object.keys(input.headers)
    .map((name) => name.toLowerCase())
    .filter(signedByNodeClient);
  const signedHeaders = [...new Set(names)].sort();
  const canonicalRequest = v3CanonicalRequest(input.method, input.rawUrl, rawHeaders, signedHeaders, hashPayload(algorithm, input.body));
  const signature = v3Signature(algorithm, input.secret, v3StringToSign(algorithm, canonicalRequest));
  return `${algorithm} Credential=${input.accessKeyId},SignedHeaders=${signedHeaders.join(';')},Signature=${signature}`;
}
