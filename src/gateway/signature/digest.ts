// Hashes, HMACs and the constant-time comparison every verifier ends with.
import crypto from 'node:crypto';

/** The digest behind an algorithm name: SM3 for ACS3-HMAC-SM3, SHA-256 for the other V3 ones. */
export function hashName(algorithm: string): 'sm3' | 'sha256' {
  return algorithm === 'ACS3-HMAC-SM3' ? 'sm3' : 'sha256';
}

export function digest(hash: string, data: Buffer | string, encoding: 'hex' | 'base64' = 'hex'): string {
  return crypto.createHash(hash).update(data).digest(encoding);
}

/** x-acs-content-sha256 for a body: lowercase hex of SHA-256 (SM3 for ACS3-HMAC-SM3). */
export function hashPayload(algorithm: string, body: Buffer): string {
  return digest(hashName(algorithm), body);
}

export function hmac(hash: string, key: string, data: string): Buffer {
  return crypto.createHmac(hash, key).update(data).digest();
}

/** Equal strings, compared without leaking where they differ. */
export function safeEqual(expected: string, actual: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(actual, 'utf8');
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
