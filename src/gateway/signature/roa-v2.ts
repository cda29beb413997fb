// ROA V2 signature: `Authorization: acs <AK>:base64(HMAC-SHA1)`, protocol notes §3.
import { apiError } from '../errors.ts';
import { incompleteSignature } from './incomplete.ts';
import { sortPairs } from './canonical.ts';
import { digest, hmac, safeEqual } from './digest.ts';
import type { ParsedSignature, WireRequest } from './types.ts';
import { headerValue, queryPairs, splitTarget } from './wire.ts';

const AUTHORIZATION = /^acs ([^:\s]+):(\S+)$/;

/** Every x-acs-* header, lowercased and sorted, control whitespace flattened: 'name:value\n'. */
function canonicalizedHeaders(rawHeaders: string[]): string {
  const names = new Set<string>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    if (name.startsWith('x-acs-')) names.add(name);
  }
  return [...names]
    .sort()
    .map((name) => `${name}:${(headerValue(rawHeaders, name) ?? '').replace(/[\t\n\r\f]/g, ' ').trim()}\n`)
    .join('');
}

/**
 * Path as sent, then the sorted query with decoded values. For an empty value the Node runtime
 * writes 'key=' and the Python runtime just 'key'; `bareEmptyKeys` selects the Python form.
 */
function canonicalizedResource(rawUrl: string, bareEmptyKeys: boolean): string {
  const { path } = splitTarget(rawUrl);
  const pairs = queryPairs(rawUrl);
  if (pairs.length === 0) return path;
  const query = sortPairs(pairs).map(([k, v]) => (v === '' && bareEmptyKeys ? k : `${k}=${v}`));
  return `${path}?${query.join('&')}`;
}

function roaSignature(secret: string, stringToSign: string): string {
  return hmac('sha1', secret, stringToSign).toString('base64');
}

export function parseRoaV2(wire: WireRequest, authorization: string): ParsedSignature {
  const m = AUTHORIZATION.exec(authorization);
  if (!m) {
    throw incompleteSignature('the Authorization header does not parse.', {
      none: 'it needs an Authorization header of the form "acs <AccessKeyId>:<signature>"',
    });
  }
  const [, accessKeyId, signature] = m;
  const header = (name: string) => headerValue(wire.rawHeaders, name);
  const method = header('x-acs-signature-method');
  if (method !== undefined && method !== 'HMAC-SHA1') throw apiError('InvalidSignatureMethod');

  const contentMd5 = header('content-md5');
  const head =
    [wire.method, header('accept'), contentMd5, header('content-type'), header('date')].map((v) => `${v ?? ''}\n`).join('') +
    canonicalizedHeaders(wire.rawHeaders);
  const stringToSign = head + canonicalizedResource(wire.rawUrl, false);
  // Only a query with an empty value has a second (Python) spelling worth trying.
  const pythonForm = head + canonicalizedResource(wire.rawUrl, true);
  const candidates = pythonForm === stringToSign ? [stringToSign] : [stringToSign, pythonForm];

  // ROA V2 covers the body only through Content-MD5, so a present one must be the body's.
  if (contentMd5 !== undefined && contentMd5 !== digest('md5', wire.body, 'base64')) {
    throw apiError('SignatureDoesNotMatch', { stringToSign });
  }

  return {
    scheme: 'ROA',
    algorithm: 'HMAC-SHA1',
    accessKeyId,
    securityToken: header('x-acs-security-token'),
    timestamp: header('date'),
    nonce: header('x-acs-signature-nonce'),
    signedHeaders: [],
    stringToSign,
    // Every candidate is computed, so the time taken does not tell which spelling matched.
    verify: (secret) => candidates.map((s) => safeEqual(roaSignature(secret, s), signature)).includes(true),
  };
}
