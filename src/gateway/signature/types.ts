// The shapes shared by every signature scheme: what the HTTP layer hands in, what comes out.

/** A request exactly as it arrived: signatures cover bytes and spellings, so nothing is normalised. */
export interface WireRequest {
  /** As sent, e.g. 'POST'. */
  method: string;
  /** Request-target exactly as received, e.g. '/api/v2/services?PageNumber=1&Filter=my%20svc'. */
  rawUrl: string;
  /** Node's IncomingMessage.rawHeaders: flat [name, value, ...], original case, duplicates kept. */
  rawHeaders: string[];
  /** Exact received body bytes (already de-chunked). */
  body: Buffer;
}

export type SignatureScheme = 'V3' | 'ROA' | 'RPC';

export const V3_ALGORITHMS = ['ACS3-HMAC-SHA256', 'ACS3-HMAC-SM3', 'ACS3-RSA-SHA256'] as const;
export type V3Algorithm = (typeof V3_ALGORITHMS)[number];
export type SignatureAlgorithm = V3Algorithm | 'HMAC-SHA1';

export interface ParsedSignature {
  scheme: SignatureScheme;
  algorithm: SignatureAlgorithm;
  accessKeyId: string;
  /** x-acs-security-token header (V3/ROA) or SecurityToken param (RPC). */
  securityToken?: string;
  /** Raw value: x-acs-date (V3), Date header (ROA), Timestamp param (RPC). */
  timestamp?: string;
  /** x-acs-signature-nonce (V3/ROA) or SignatureNonce (RPC). */
  nonce?: string;
  /** V3: names from SignedHeaders; others: []. */
  signedHeaders: string[];
  /** The server's exact string to sign (for V3 the two-line 'ACS3-...\n<hex>'). */
  stringToSign: string;
  /** V3 only, for debug logs. */
  canonicalRequest?: string;
  /** Constant-time check. `secret` is the AccessKey secret, or for ACS3-RSA-SHA256 a PEM public key. */
  verify(secret: string): boolean;
}
