import { BlockList, isIP } from 'node:net';

/**
 * Addresses a server-side fetch on behalf of a mail must never reach: this host, the LAN, link-local
 * (cloud metadata at 169.254.169.254), carrier-grade NAT, multicast, documentation and reserved
 * ranges. A mail's sender picks the URL, so without this the image proxy would let any sender
 * probe the office network through Madoguchi (SSRF).
 */
const RESTRICTED = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  RESTRICTED.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['100::', 64],
  ['2001::', 32], // Teredo
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  RESTRICTED.addSubnet(net, bits, 'ipv6');
}

/** The IPv4 address inside an IPv4-mapped, NAT64 or 6to4 IPv6 address, if it is one. */
function embeddedIpv4(ipv6: string): string | null {
  const mapped = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/i.exec(ipv6);
  if (mapped) return mapped[1];
  const groups = expandIpv6(ipv6);
  if (!groups) return null;
  const hex = (a: number, b: number) => [a >> 8, a & 255, b >> 8, b & 255].join('.');
  // ::ffff:7f00:1 (mapped, hex form) and 64:ff9b::7f00:1 (NAT64): the last 32 bits.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return hex(groups[6], groups[7]);
  if (groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0))
    return hex(groups[6], groups[7]);
  // 2002:AABB:CCDD::/48 (6to4) carries AA.BB.CC.DD.
  if (groups[0] === 0x2002) return hex(groups[1], groups[2]);
  return null;
}

function expandIpv6(ip: string): number[] | null {
  if (ip.includes('.')) return null;
  const [head, tail] = ip.split('::');
  const part = (s: string | undefined) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const a = part(head);
  const b = part(tail);
  const groups = ip.includes('::') ? [...a, ...new Array<number>(8 - a.length - b.length).fill(0), ...b] : a;
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff)
    ? groups
    : null;
}

/** Whether an IP address (v4 or v6, without brackets) is one the image proxy must not connect to. */
export function isRestrictedAddress(ip: string): boolean {
  const kind = isIP(ip);
  if (kind === 4) return RESTRICTED.check(ip, 'ipv4');
  if (kind !== 6) return true;
  const v4 = embeddedIpv4(ip.toLowerCase());
  if (v4) return isRestrictedAddress(v4);
  return RESTRICTED.check(ip, 'ipv6');
}
