// What never reaches a log line, at any level: credential-bearing headers, credential-bearing query
// parameters (RPC calls carry Signature and SecurityToken in the URL), and STS tokens inside the
// debug texts of a signature mismatch. The client still gets its full string to sign in the error
// body (its own data); only the server's log is scrubbed.
import type { FastifyRequest } from 'fastify';
import { percentEncode } from './signature/canonical.ts';

export const REDACTED = 'REDACTED';

/** Headers whose values are credentials (names as Node lower-cases them). */
export const CREDENTIAL_HEADERS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'x-acs-security-token',
  'x-acs-bearer-token',
  'x-openeas-admin-token',
];

const CREDENTIAL_PARAMS = new Set(['signature', 'securitytoken', 'bearertoken', 'accesskeysecret']);

/** Signature, SecurityToken, BearerToken, AccessKeySecret, and any *Password* or *Secret* parameter. */
export function isCredentialParam(name: string): boolean {
  const lower = name.toLowerCase();
  return CREDENTIAL_PARAMS.has(lower) || lower.includes('password') || lower.includes('secret');
}

function decodedKey(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/** The URL with the values of credential parameters replaced; everything else as sent. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = eq < 0 ? pair : pair.slice(0, eq);
      return eq >= 0 && isCredentialParam(decodedKey(key)) ? `${key}=${REDACTED}` : pair;
    });
  return `${url.slice(0, q)}?${query.join('&')}`;
}

/**
 * `text` with every occurrence of each secret replaced, also in the encoded spellings signatures
 * use (an RPC string to sign percent-encodes the already encoded query, so a token appears twice
 * encoded there).
 */
export function redactValues(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    const once = percentEncode(secret);
    const spellings = new Set([percentEncode(once), once, encodeURIComponent(secret), secret]);
    for (const spelling of spellings) out = out.split(spelling).join(REDACTED);
  }
  return out;
}

/** Logger options for the gateway: the request serializer and header paths that keep credentials out. */
export const LOG_REDACTION = {
  redact: {
    paths: CREDENTIAL_HEADERS.flatMap((name) => [`req.headers["${name}"]`, `headers["${name}"]`]),
    censor: REDACTED,
  },
  serializers: {
    // Fastify's own request serializer, with credential query parameters removed from the URL.
    req: (req: FastifyRequest) => ({
      method: req.method,
      url: redactUrl(req.url),
      host: req.host,
      remoteAddress: req.ip,
      remotePort: req.socket?.remotePort,
    }),
  },
};
