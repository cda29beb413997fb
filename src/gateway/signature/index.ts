// The signature layer: pure functions from a wire request to a verifiable signature (no I/O).
export type { ParsedSignature, SignatureAlgorithm, SignatureScheme, V3Algorithm, WireRequest } from './types.ts';
export { parseSignedRequest } from './parse.ts';
export { parseRequestTime } from './request-time.ts';
export { headerValues, rpcParams } from './wire.ts';
export { signV3 } from './v3.ts';
export { hashPayload } from './digest.ts';
