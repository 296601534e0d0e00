// A rule's documentation, generated from its metadata: `phiguard rules show <id>` prints it and
// scripts/gen-rule-docs.ts writes it to docs/rules/<id>.md, so the two never drift apart.
import { hipaaTitle } from '../core/hipaa.js';
import type { Rule } from '../rules/define.js';

/** Seed failure patterns (spec/rules.yaml catalog.patterns), short titles for docs and reports. */
export const PATTERNS: Readonly<Record<number, string>> = {
  1: 'PHI at rest without SSE/CMK; VMs on deprecated Azure Disk Encryption',
  2: 'PHI databases reachable from the internet',
  3: 'Excessive Graph permissions, over-privileged service principals, no Conditional Access MFA',
  4: 'API Management / App Service without TLS 1.2+ or authentication',
  5: 'Audit logging gaps',
  6: 'Backups and retention of PHI',
  7: 'Key Vault holding CMKs without soft delete / purge protection',
  8: 'PHI data services (FHIR) without private link / CMK',
};

function fence(language: string, code: string): string {
  return `\`\`\`${language}\n${code.trim()}\n\`\`\``;
}

export function renderRuleDoc(rule: Rule): string {
  const lines: string[] = [
    `# ${rule.id}: ${rule.title}`,
    '',
    `- Severity: **${rule.severity}**`,
    `- Seed failure pattern ${rule.pattern}: ${PATTERNS[rule.pattern] ?? ''}`,
    `- Resource types: ${rule.types.map((t) => `\`${t}\``).join(', ')}`,
    `- Scope: ${rule.phiScoped ? 'PHI resources only (see `classification` in .phiguard.yaml)' : 'every resource of these types'}`,
    '',
    '## Why (HIPAA Security Rule, 45 CFR Part 164)',
    '',
    ...rule.hipaa.map(
      (c) => `- ${c.cite} ${hipaaTitle(c.cite)} (${c.type === 'R' ? 'required' : 'addressable'}, ${c.type})`,
    ),
    '',
    '## How it is evaluated',
    '',
    rule.docs.evaluation,
    '',
    `**Absent value.** ${rule.docs.absent}`,
  ];
  if (rule.docs.unresolvable) lines.push('', `**Unresolvable value.** ${rule.docs.unresolvable}`);
  if (rule.docs.crossResource) lines.push('', `**Related resources.** ${rule.docs.crossResource}`);
  lines.push('', '## How to fix', '');
  const { remediation } = rule;
  if (remediation.arm) lines.push('ARM template:', '', fence('json', remediation.arm), '');
  if (remediation.bicep) lines.push('Bicep:', '', fence('bicep', remediation.bicep), '');
  if (remediation.terraform) lines.push('Terraform (azurerm):', '', fence('hcl', remediation.terraform), '');
  if (remediation.az) lines.push('Azure CLI:', '', fence('bash', remediation.az), '');
  if (remediation.note) lines.push(`**Before you apply.** ${remediation.note}`, '');
  if (rule.policies.length > 0) {
    lines.push('## Azure Policy', '');
    for (const policy of rule.policies) lines.push(`- \`${policy.id}\` ${policy.name} (${policy.relation})`);
    lines.push('');
  }
  lines.push('## References', '', ...rule.docs.references.map((r) => `- ${r}`), '');
  return lines.join('\n');
}
