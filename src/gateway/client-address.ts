// Who is the client? The one answer used by acs:SourceIp and by the admin guard, so the two can
// never disagree. It is the socket's peer, unless the peer is a trusted proxy
// (OPENEAS_TRUSTED_PROXIES: addresses or CIDR blocks). Then X-Forwarded-For is read from the
// right, because each proxy appends the address it received the request from: trusted proxies
// are skipped, and the first address that is not one is the client. Everything to its left was
// written by the client itself and proves nothing (`X-Forwarded-For: 10.9.9.9, 203.0.113.7` from a
// trusted proxy is 203.0.113.7). Only X-Forwarded-For is read, not `Forwarded` or `X-Real-IP`.
import { ipInRange, parseIpAddress, parseIpRange, type IpAddress, type IpRange } from '../ip.ts';

/** What the function needs of a request (a FastifyRequest has it). */
export interface PeerRequest {
  socket: { remoteAddress?: string };
  headers: Record<string, string | string[] | undefined>;
}

/** The client when a trusted proxy forwarded something that is not an address: matches no IP condition. */
export const UNKNOWN_CLIENT = 'unknown';

/** Headers by which a proxy says whom it relays for. */
const FORWARDING_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'];

class TrustedProxies {
  readonly ranges: IpRange[];

  constructor(entries: readonly string[]) {
    this.ranges = entries.map((entry) => {
      const range = parseIpRange(entry);
      if (!range) throw new Error(`OPENEAS_TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR block`);
      return range;
    });
  }

  includes(ip: IpAddress): boolean {
    return this.ranges.some((range) => ipInRange(ip, range));
  }
}

// Config arrays live as long as their server: compiled once each.
const compiled = new WeakMap<readonly string[], TrustedProxies>();

function proxiesOf(entries: readonly string[]): TrustedProxies {
  let proxies = compiled.get(entries);
  if (!proxies) compiled.set(entries, (proxies = new TrustedProxies(entries)));
  return proxies;
}

/** Throws the start-up error for a list that contains something other than addresses and blocks. */
export function checkTrustedProxies(entries: readonly string[]): void {
  void new TrustedProxies(entries);
}

/** An address as text: IPv4 dotted (also when it arrived IPv4-mapped, ::ffff:a.b.c.d), IPv6 as written. */
function addressText(ip: IpAddress, written: string): string {
  if (ip.v === 6) return written.toLowerCase();
  return [ip.n >>> 24, (ip.n >>> 16) & 255, (ip.n >>> 8) & 255, ip.n & 255].join('.');
}

/** One X-Forwarded-For entry: `a.b.c.d`, `a.b.c.d:port`, `x:y::z`, `[x:y::z]` or `[x:y::z]:port`. */
function forwardedAddress(entry: string): { ip: IpAddress; text: string } | undefined {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  const withPort = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(entry);
  const text = bracketed?.[1] ?? withPort?.[1] ?? entry;
  const ip = parseIpAddress(text);
  return ip && { ip, text: addressText(ip, text) };
}

function peerOf(req: PeerRequest): { ip: IpAddress | undefined; text: string } {
  const peer = req.socket.remoteAddress;
  const ip = peer === undefined ? undefined : parseIpAddress(peer);
  return { ip, text: ip && peer ? addressText(ip, peer) : UNKNOWN_CLIENT };
}

/** The client's address (see the top of this file). */
export function clientAddress(req: PeerRequest, trustedProxies: readonly string[]): string {
  const peer = peerOf(req);
  if (trustedProxies.length === 0) return peer.text;
  const proxies = proxiesOf(trustedProxies);
  if (!peer.ip || !proxies.includes(peer.ip)) return peer.text;
  const header = req.headers['x-forwarded-for'];
  // Node joins repeated X-Forwarded-For headers with ', ', in order.
  const entries = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',');
  let client = peer.text;
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i].trim();
    if (entry === '' && entries.length === 1) break; // no header at all
    const hop = forwardedAddress(entry);
    // A trusted hop wrote something unreadable: the client is unknown, not the proxy.
    if (!hop) return UNKNOWN_CLIENT;
    client = hop.text;
    if (!proxies.includes(hop.ip)) return client;
  }
  return client;
}

/**
 * True when the request says it was relayed for someone else, but its peer is not a trusted proxy:
 * a proxy openeas was not told about, whose clients would otherwise all look like the proxy itself.
 */
export function relayedByUnknownProxy(req: PeerRequest, trustedProxies: readonly string[]): boolean {
  if (!FORWARDING_HEADERS.some((name) => req.headers[name] !== undefined)) return false;
  const peer = peerOf(req);
  return !peer.ip || trustedProxies.length === 0 || !proxiesOf(trustedProxies).includes(peer.ip);
}
