// Which azurerm major version a configuration deploys with. Absent attributes take the provider's schema default,
// and those differ between 3.x, 4.x and 5.x (rules.yaml catalog.conventions.absent_terraform). The lock file pins
// the exact version; otherwise the version constraints of required_providers (all modules) narrow the candidates.
// When several majors remain, the mapping assumes the least secure default among them.
import { attribute, blocksOf, type Expr, type HclFile, parseHclRecovering } from './hcl.js';

export type Major = 3 | 4 | 5;
export const MAJORS: readonly Major[] = [3, 4, 5];

export interface ProviderVersion {
  /** The azurerm majors the configuration admits, ascending; exactly one when pinned. */
  candidates: Major[];
  /** Where the answer came from, quoted in `because` texts. */
  source: string;
}

type Version = [number, number, number];

function parseVersion(text: string): { version: Version; parts: number } | undefined {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text.trim());
  if (!match) return undefined;
  const parts = match.slice(1).filter((p) => p !== undefined).length;
  return { version: [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)], parts };
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** The half-open interval [low, high) of versions one constraint admits (high undefined = unbounded). */
function interval(constraint: string): { low: Version; high?: Version; exclude?: Version } | undefined {
  const match = /^\s*(~>|>=|<=|!=|=|>|<)?\s*(\S+)\s*$/.exec(constraint);
  if (!match) return undefined;
  const op = match[1] ?? '=';
  const parsed = parseVersion(match[2]);
  if (!parsed) return undefined;
  const v = parsed.version;
  const next = (i: number): Version =>
    i === 0 ? [v[0] + 1, 0, 0] : i === 1 ? [v[0], v[1] + 1, 0] : [v[0], v[1], v[2] + 1];
  switch (op) {
    case '=':
      return { low: v, high: next(2) };
    case '!=':
      return { low: [0, 0, 0], exclude: v };
    case '>':
      return { low: next(2) };
    case '>=':
      return { low: v };
    case '<':
      return { low: [0, 0, 0], high: v };
    case '<=':
      return { low: [0, 0, 0], high: next(2) };
    case '~>':
      // ~> 3.1 admits >= 3.1, < 4.0; ~> 3.1.2 admits >= 3.1.2, < 3.2.0; ~> 3 admits >= 3.
      return parsed.parts === 1 ? { low: v } : { low: v, high: next(parsed.parts - 2) };
  }
  return undefined;
}

/** The majors (2 counts as 3: resources removed in 4.0 use 3.x defaults) a constraint string admits. */
export function majorsAdmitted(constraint: string): Major[] {
  const intervals = constraint
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map(interval);
  const majors = new Set<Major>();
  for (const major of [2, 3, 4, 5]) {
    let low: Version = [major, 0, 0];
    let high: Version = [major + 1, 0, 0];
    let ok = true;
    for (const range of intervals) {
      if (!range) continue;
      if (compare(range.low, low) > 0) low = range.low;
      if (range.high && compare(range.high, high) < 0) high = range.high;
      if (compare(low, high) >= 0) ok = false;
    }
    if (ok) majors.add(major === 2 ? 3 : (major as Major));
  }
  return MAJORS.filter((m) => majors.has(m));
}

function literalText(expr: Expr | undefined): string | undefined {
  return expr?.kind === 'literal' && typeof expr.value === 'string' ? expr.value : undefined;
}

/** `azurerm = { source = "hashicorp/azurerm", version = "~> 4.0" }` or the legacy `azurerm = "~> 2.0"`. */
function constraintsOf(file: HclFile): string[] {
  const out: string[] = [];
  for (const terraform of blocksOf(file.body, 'terraform')) {
    for (const required of blocksOf(terraform.body, 'required_providers')) {
      for (const attr of required.body.attributes) {
        const expr = attr.expr;
        if (expr.kind === 'object') {
          const source = expr.items.find((i) => i.bareKey && (i.key as { value: unknown }).value === 'source');
          const sourceText = literalText(source?.value) ?? '';
          const isAzurerm = sourceText ? /(^|\/)azurerm$/.test(sourceText) : attr.name === 'azurerm';
          const version = expr.items.find((i) => i.bareKey && (i.key as { value: unknown }).value === 'version');
          const text = literalText(version?.value);
          if (isAzurerm && text) out.push(text);
        } else if (attr.name === 'azurerm') {
          const text = literalText(expr);
          if (text) out.push(text);
        }
      }
    }
  }
  for (const provider of blocksOf(file.body, 'provider')) {
    if (provider.labels[0] !== 'azurerm') continue;
    const text = literalText(attribute(provider.body, 'version')?.expr);
    if (text) out.push(text);
  }
  return out;
}

/** The version pinned for azurerm in a `.terraform.lock.hcl`. */
export function lockedVersion(file: string, text: string): string | undefined {
  const parsed = parseHclRecovering(file, text).file;
  for (const provider of blocksOf(parsed.body, 'provider')) {
    if (!/(^|\/)hashicorp\/azurerm$/.test(provider.labels[0] ?? '')) continue;
    return literalText(attribute(provider.body, 'version')?.expr);
  }
  return undefined;
}

export function azurermVersion(
  files: readonly HclFile[],
  lock?: { file: string; text: string },
  assumed?: Major,
): ProviderVersion {
  if (assumed) return { candidates: [assumed], source: `configured terraform.assume_azurerm_major ${assumed}` };
  const locked = lock ? lockedVersion(lock.file, lock.text) : undefined;
  if (locked) {
    const admitted = majorsAdmitted(`= ${locked}`);
    if (admitted.length > 0) return { candidates: admitted, source: `azurerm ${locked} in ${lock?.file}` };
  }
  const constraints = files.flatMap(constraintsOf);
  if (constraints.length === 0) return { candidates: [...MAJORS], source: 'no azurerm version constraint' };
  const admitted = majorsAdmitted(constraints.join(', '));
  const quoted = constraints.map((c) => JSON.stringify(c)).join(' and ');
  if (admitted.length === 0)
    return { candidates: [...MAJORS], source: `azurerm constraints ${quoted} admit no known major` };
  return { candidates: admitted, source: `azurerm version constraint ${quoted}` };
}
