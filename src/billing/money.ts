// Money is integer fen everywhere; these turn it into the CNY texts and numbers the APIs show.
export { parseCny } from '../config.ts';

/** 123456 → "1234.56"; -5 → "-0.05". */
export function formatCny(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.round(fen));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** For response fields typed as numbers (BSS bill amounts): CNY with two decimals. */
export function cnyNumber(fen: number): number {
  return Number(formatCny(fen));
}
