// RPC-style products (RAM, STS, BSS) name their parameters in a small table per operation; this
// checks the decoded query/form parameters against it. (EAS parameters come from the API metadata
// instead: gateway/validation.ts.)
import { apiError } from './errors.ts';
import type { Input, RawInput } from './operation.ts';

export interface RpcParamSpec {
  type: 'string' | 'int' | 'bool';
  required?: boolean;
  min?: number;
  max?: number;
  enum?: readonly string[];
}

export type RpcParams = Record<string, RpcParamSpec>;

export function validateRpcParams(params: RpcParams, raw: RawInput): Input {
  const out: Input = {};
  for (const [name, p] of Object.entries(params)) {
    const v = raw.query[name];
    if (v === undefined || v === '') {
      if (p.required) throw apiError('MissingParameter', { name });
      continue;
    }
    if (p.type === 'int') {
      const n = Number(v);
      if (!/^-?\d+$/.test(v) || (p.min !== undefined && n < p.min) || (p.max !== undefined && n > p.max)) {
        throw apiError('InvalidParameter', { name, reason: `It must be an integer${p.min !== undefined ? ` from ${p.min}` : ''}${p.max !== undefined ? ` to ${p.max}` : ''}.` });
      }
      out[name] = n;
    } else if (p.type === 'bool') {
      if (!/^(true|false)$/i.test(v)) throw apiError('InvalidParameter', { name, reason: 'It must be true or false.' });
      out[name] = v.toLowerCase() === 'true';
    } else {
      if (p.enum && !p.enum.includes(v)) throw apiError('InvalidParameter', { name, reason: `It must be one of: ${p.enum.join(', ')}.` });
      out[name] = v;
    }
  }
  return out;
}
