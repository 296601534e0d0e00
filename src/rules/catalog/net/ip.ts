// Address parsing for NSG sources and database firewall rules.

const OCTET = /^\d{1,3}$/;

/** An IPv4 address as an unsigned number; a CIDR suffix is ignored ("0.0.0.0/0" is 0.0.0.0, rules.yaml NET-004). */
export function parseIPv4(text: string): number | undefined {
  const address = text.trim().split('/')[0];
  const parts = address.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!OCTET.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

export const IPV4_MAX = 2 ** 32 - 1;
export const IPV6_MAX = (1n << 128n) - 1n;

/** An IPv6 address (with `::` compression and an optional trailing dotted quad) as a bigint; CIDR suffix ignored. */
export function parseIPv6(text: string): bigint | undefined {
  const address = text.trim().split('/')[0];
  if (!address.includes(':')) return undefined;
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string): number[] | undefined => {
    if (half === '') return [];
    const out: number[] = [];
    const items = half.split(':');
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (i === items.length - 1 && item.includes('.')) {
        const v4 = parseIPv4(item);
        if (v4 === undefined) return undefined;
        out.push(Math.floor(v4 / 65536), v4 % 65536);
      } else if (/^[0-9a-f]{1,4}$/i.test(item)) {
        out.push(Number.parseInt(item, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return all.reduce((value, group) => (value << 16n) | BigInt(group), 0n);
}

/**
 * How an internet source entry reaches the internet, so a Deny rule can be checked for covering it: `any` (`*`,
 * `Any`, a bare `/0`), the `internet` service tag, all of IPv4 or all of IPv6. Other configured internet sources are
 * matched by their own (lower-cased) text. Undefined when the entry is not an internet source.
 */
export function internetKind(text: string, internetSources: readonly string[]): string | undefined {
  const entry = text.trim().toLowerCase();
  const prefixZero = /\/0$/.test(entry);
  const listed = internetSources.some((source) => source.trim().toLowerCase() === entry);
  if (!listed && !prefixZero) return undefined;
  if (entry === '*' || entry === 'any' || entry === '/0') return 'any';
  if (entry === 'internet') return 'internet';
  if (prefixZero && entry.includes(':')) return 'ipv6';
  if (prefixZero || entry === '0.0.0.0') return 'ipv4';
  return entry;
}

/** True when the Deny sources `deny` block every internet source of kind `kind` (see `internetKind`). */
export function kindCovered(kind: string, deny: ReadonlySet<string>): boolean {
  if (deny.has('any') || deny.has('internet') || deny.has(kind)) return true;
  return (kind === 'any' || kind === 'internet') && deny.has('ipv4') && deny.has('ipv6');
}
