// AccessDeniedDetail.EncodedDiagnosticMessage and its decoding (ram:DecodeDiagnosticMessage,
// protocol notes §6.8). The message is sealed with the server's secret box (AES-256-GCM), so it
// is opaque to clients, cannot be forged, and decodes only for the account it was issued to.
// The decoded form uses the field names of the official DecodeDiagnosticMessage response, plus
// `DecidingStatement` (openeas): the statement that decided, with its policy, version and index.
import { apiError } from '../gateway/errors.ts';
import type { SecretBox } from './secret-box.ts';
import './errors.ts';

export interface DecodedDiagnosticMessage {
  ExplicitDeny: boolean;
  NoPermissionPolicyType: string;
  AuthAction: string;
  AuthResource: string;
  AuthPrincipal: { AuthPrincipalType: string; AuthPrincipalOwnerId: string; AuthPrincipalDisplayName: string };
  AuthConditions: Array<{ ConditionKey: string; ConditionValues: string[] }>;
  MatchedPolicies: Array<{
    PolicyIdentifier: string;
    PolicyType: string;
    PolicyVersion: string;
    Effect: string;
    AttachedEntityType: string;
    AttachedScope: string;
  }>;
  DecidingStatement?: {
    PolicyName: string;
    PolicyType: string;
    PolicyVersion?: string;
    AttachedTo?: string;
    StatementIndex: number;
    Statement?: unknown;
  };
}

const PREFIX = 'openeas-diagnostic:';

export function encodeDiagnostic(box: SecretBox, accountId: string, message: DecodedDiagnosticMessage): string {
  const sealed = box.encrypt(PREFIX + JSON.stringify({ a: accountId, m: message }));
  return Buffer.from(sealed, 'utf8').toString('base64');
}

/** Throws InvalidParameter.EncodedDiagnosticMessage for anything not issued to this account. */
export function decodeDiagnostic(box: SecretBox, accountId: string, encoded: string): DecodedDiagnosticMessage {
  let plain: string;
  try {
    plain = box.decrypt(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    throw apiError('InvalidParameter.EncodedDiagnosticMessage');
  }
  if (!plain.startsWith(PREFIX)) throw apiError('InvalidParameter.EncodedDiagnosticMessage');
  const parsed = JSON.parse(plain.slice(PREFIX.length)) as { a: string; m: DecodedDiagnosticMessage };
  if (parsed.a !== accountId) throw apiError('InvalidParameter.EncodedDiagnosticMessage');
  return parsed.m;
}
