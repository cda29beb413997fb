// IP addresses and CIDR blocks: the IpAddress / NotIpAddress policy operators (protocol notes §6.3)
// and the trusted proxies that say who the client is (gateway/client-address.ts).
// IPv4 and IPv6 are both supported. An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is treated as
// the IPv4 address it carries, on both sides: a request from ::ffff:127.0.0.1 matches
// 127.0.0.1/32, and a block written ::ffff:10.0.0.0/104 is the IPv4 block 10.0.0.0/8. Apart from
// that mapping an IPv4 address only falls in IPv4 blocks and an IPv6 address in IPv6 blocks.
// Host bits set in a block (10.1.2.3/8) are ignored, as if 10.0.0.0/8 had been written.

export type IpAddress = { readonly v: 4; readonly n: number } | { readonly v: 6; readonly n: bigint };

export type IpRange =
  | { readonly v: 4; readonly network: number; readonly mask: number }
  | { readonly v: 6; readonly network: bigint; readonly shift: bigint };

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseIpv4(text: string): number | undefined {
  const m = IPV4.exec(text);
  if (!m) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const part = m[i];
    if (part.length > 1 && part[0] === '0') return undefined; // 010 could mean octal: refuse
    const octet = Number(part);
    if (octet > 255) return undefined;
    n = n * 256 + octet;
  }
  return n;
}

function parseIpv6(text: string): bigint | undefined {
  if (text.length < 2 || text.length > 45) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i];
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIpv4(piece);
        if (v4 === undefined) return undefined;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) {
        out.push(parseInt(piece, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groupsOf(halves[0]);
  if (head === undefined) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const tail = groupsOf(halves[1]);
    if (tail === undefined) return undefined;
    // An embedded IPv4 address may only end the address.
    if (halves[0].includes('.')) return undefined;
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return undefined;
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    if (head.length !== 8) return undefined;
    groups = head;
  }
  let n = 0n;
  for (const g of groups) n = (n << 16n) | BigInt(g);
  return n;
}

/** Parses one address (no block). IPv4-mapped IPv6 addresses come back as IPv4. */
export function parseIpAddress(text: string): IpAddress | undefined {
  if (text.includes(':')) {
    const n = parseIpv6(text);
    if (n === undefined) return undefined;
    if (n >> 32n === 0xffffn) return { v: 4, n: Number(n & 0xffffffffn) };
    return { v: 6, n };
  }
  const n = parseIpv4(text);
  return n === undefined ? undefined : { v: 4, n };
}

/** Parses an address or a CIDR block (`a.b.c.d/len`, `x::y/len`); a bare address is a /32 or /128. */
export function parseIpRange(text: string): IpRange | undefined {
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const lenText = slash < 0 ? undefined : text.slice(slash + 1);
  if (lenText !== undefined && !/^(0|[1-9]\d{0,2})$/.test(lenText)) return undefined;
  if (addrText.includes(':')) {
    const n = parseIpv6(addrText);
    if (n === undefined) return undefined;
    const len = lenText === undefined ? 128 : Number(lenText);
    if (len > 128) return undefined;
    if (n >> 32n === 0xffffn && len >= 96) return ipv4Range(Number(n & 0xffffffffn), len - 96);
    const shift = BigInt(128 - len);
    return { v: 6, network: (n >> shift) << shift, shift };
  }
  const n = parseIpv4(addrText);
  if (n === undefined) return undefined;
  const len = lenText === undefined ? 32 : Number(lenText);
  if (len > 32) return undefined;
  return ipv4Range(n, len);
}

function ipv4Range(n: number, len: number): IpRange {
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  return { v: 4, network: (n & mask) >>> 0, mask };
}

export function ipInRange(ip: IpAddress, range: IpRange): boolean {
  if (ip.v === 4) return range.v === 4 && (ip.n & range.mask) >>> 0 === range.network;
  return range.v === 6 && (ip.n >> range.shift) << range.shift === range.network;
}
