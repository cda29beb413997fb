// IncompleteSignature: a signature that cannot be checked. Clients compare what follows "server
// string to sign is:" with their own; when no string to sign could be built, the message says why
// rather than ending empty. A string to sign carries no secret (the key signs it; it is not in it).
import { apiError, type ApiError } from '../errors.ts';

export function incompleteSignature(reason: string, stringToSign: string | { none: string }): ApiError {
  const shown = typeof stringToSign === 'string' ? stringToSign : ` (none: ${stringToSign.none})`;
  return apiError('IncompleteSignature', { reason, stringToSign: shown });
}
