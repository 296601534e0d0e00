// What an API Management policy document contributes to authentication (PHI-TLS-003): whether its inbound section
// validates a token or client certificate unconditionally, whether it keeps the enclosing scope's policy (<base />),
// and what prevents a static answer (links, fragments outside the scan, named values, conditional validation).
// Not a full XML parser: policy documents are small, and only inbound start/end tags matter here.

export const VALIDATORS = ['validate-jwt', 'validate-azure-ad-token', 'validate-client-certificate'] as const;
const CONDITIONAL = new Set(['choose', 'when', 'otherwise']);

export interface PolicyFacts {
  /** An unconditional validation element in inbound. */
  validates: boolean;
  /** The inbound section contains <base /> (the enclosing scope's inbound policy runs). */
  base: boolean;
  /** Why the document cannot be decided (only meaningful when `validates` is false). */
  blockers: string[];
  /** Fragments included in inbound (resolved by the caller), with whether the include is conditional. */
  fragments: { id: string; conditional: boolean }[];
}

const TAG = /<(\/?)([A-Za-z][\w:.-]*)((?:"[^"]*"|'[^']*'|[^'">])*?)(\/?)>/g;
const ATTRIBUTE = (name: string) => new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'i');

function decodeEntities(text: string): string {
  // A GET with format=xml may return the document entity-encoded.
  if (text.includes('<') || !text.includes('&lt;')) return text;
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The body of the first `<section>` element (inbound), or undefined when there is none. */
function section(xml: string, name: string): string | undefined {
  const start = new RegExp(`<${name}(?:\\s[^>]*)?>`, 'i').exec(xml);
  if (!start) return undefined;
  if (start[0].endsWith('/>')) return '';
  const from = start.index + start[0].length;
  const end = xml.toLowerCase().indexOf(`</${name.toLowerCase()}>`, from);
  return xml.slice(from, end < 0 ? undefined : end);
}

/**
 * Scans the inbound section of a policy (or the whole body of a fragment, `fragment: true`). Comments are removed
 * first, so a commented-out <validate-jwt> does not count.
 */
export function scanPolicy(document: string, options: { fragment?: boolean } = {}): PolicyFacts {
  const xml = decodeEntities(document).replace(/<!--[\s\S]*?-->/g, '');
  const facts: PolicyFacts = { validates: false, base: false, blockers: [], fragments: [] };
  const inbound = options.fragment ? xml : section(xml, 'inbound');
  if (inbound === undefined) return facts;
  const open: string[] = [];
  TAG.lastIndex = 0;
  for (let match = TAG.exec(inbound); match; match = TAG.exec(inbound)) {
    const [whole, closing, rawName, attributes, selfClosing] = match;
    const name = rawName.toLowerCase();
    if (closing) {
      const at = open.lastIndexOf(name);
      if (at >= 0) open.length = at;
      continue;
    }
    const conditional = open.some((element) => CONDITIONAL.has(element));
    if ((VALIDATORS as readonly string[]).includes(name)) {
      const closeAt = selfClosing ? -1 : inbound.toLowerCase().indexOf(`</${name}>`, match.index);
      const element = closeAt < 0 ? whole : inbound.slice(match.index, closeAt);
      if (element.includes('{{')) facts.blockers.push(`<${name}> uses a named value ({{...}})`);
      else if (conditional) facts.blockers.push(`<${name}> is inside a <choose> condition`);
      else facts.validates = true;
    } else if (name === 'base') {
      facts.base = true;
    } else if (name === 'include-fragment') {
      const id = ATTRIBUTE('fragment-id').exec(attributes);
      facts.fragments.push({ id: id?.[1] ?? id?.[2] ?? '', conditional });
    }
    if (!selfClosing) open.push(name);
  }
  return facts;
}
