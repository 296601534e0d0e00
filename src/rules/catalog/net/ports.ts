// Port sets of NSG security rules (controls.md B1): each item is "N", "A-B" (inclusive) or "*". Comma lists in the
// singular field are rejected by the API but parsed by peers, so they are split leniently here.

export interface PortRange {
  from: number;
  to: number;
}

export const ALL_PORTS: PortRange = { from: 0, to: 65535 };

export type Transport = 'tcp' | 'udp';

/** A port set a rule looks for, with its transport (`1434/udp`); entries without a suffix are TCP. */
export interface PortTarget {
  text: string;
  ranges: PortRange[];
  protocol: Transport;
}

const PORT = /^\d{1,5}$/;

function port(text: string): number | undefined {
  if (!PORT.test(text)) return undefined;
  const value = Number(text);
  return value <= 65535 ? value : undefined;
}

/** One item: "N", "A-B" or "*". A range written high-low is taken as the same set. */
export function parsePortItem(text: string): PortRange | undefined {
  const item = text.trim();
  if (item === '*') return { ...ALL_PORTS };
  const dash = item.indexOf('-');
  if (dash < 0) {
    const single = port(item);
    return single === undefined ? undefined : { from: single, to: single };
  }
  const from = port(item.slice(0, dash).trim());
  const to = port(item.slice(dash + 1).trim());
  if (from === undefined || to === undefined) return undefined;
  return { from: Math.min(from, to), to: Math.max(from, to) };
}

/** A field value split on commas; `invalid` lists the items that are not ports. */
export function parsePortList(text: string): { ranges: PortRange[]; invalid: string[] } {
  const ranges: PortRange[] = [];
  const invalid: string[] = [];
  for (const raw of text.split(',')) {
    if (raw.trim() === '') continue;
    const range = parsePortItem(raw);
    if (range) ranges.push(range);
    else invalid.push(raw.trim());
  }
  return { ranges: normalize(ranges), invalid };
}

/** `1433`, `11000-11999`, `1434/udp` (config.network.dbPorts). */
export function parsePortTarget(text: string): PortTarget | undefined {
  const [portText, protocolText, ...rest] = text.split('/');
  if (rest.length > 0) return undefined;
  const protocol = (protocolText ?? 'tcp').trim().toLowerCase();
  if (protocol !== 'tcp' && protocol !== 'udp') return undefined;
  const { ranges, invalid } = parsePortList(portText);
  if (invalid.length > 0 || ranges.length === 0) return undefined;
  return { text, ranges, protocol };
}

/** Sorted, merged ranges. */
export function normalize(ranges: readonly PortRange[]): PortRange[] {
  const sorted = [...ranges].sort((a, b) => a.from - b.from);
  const out: PortRange[] = [];
  for (const range of sorted) {
    const last = out[out.length - 1];
    if (last && range.from <= last.to + 1) last.to = Math.max(last.to, range.to);
    else out.push({ ...range });
  }
  return out;
}

export function intersect(a: readonly PortRange[], b: readonly PortRange[]): PortRange[] {
  const out: PortRange[] = [];
  for (const x of a) {
    for (const y of b) {
      const from = Math.max(x.from, y.from);
      const to = Math.min(x.to, y.to);
      if (from <= to) out.push({ from, to });
    }
  }
  return normalize(out);
}

/** The ports of `a` not in `b`. */
export function subtract(a: readonly PortRange[], b: readonly PortRange[]): PortRange[] {
  let rest = normalize(a);
  for (const cut of normalize(b)) {
    const next: PortRange[] = [];
    for (const range of rest) {
      if (cut.to < range.from || cut.from > range.to) {
        next.push(range);
        continue;
      }
      if (range.from < cut.from) next.push({ from: range.from, to: cut.from - 1 });
      if (range.to > cut.to) next.push({ from: cut.to + 1, to: range.to });
    }
    rest = next;
  }
  return rest;
}

export function describePorts(ranges: readonly PortRange[]): string {
  return normalize(ranges)
    .map((r) => (r.from === 0 && r.to === 65535 ? '*' : r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`))
    .join(', ');
}
