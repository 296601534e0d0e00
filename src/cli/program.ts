import { Command, CommanderError, Option } from 'commander';
import { UserError } from '../core/errors.js';
import { SEVERITIES } from '../core/types.js';
import { EXIT } from '../report/summary.js';

/** Exit code for a bug (an uncaught non-user error): distinct from the documented 0-3. */
const EXIT_INTERNAL = 70;

/** Repeatable, comma-separated flag values (`--subscription a --subscription b,c`). */
function collectValues(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').filter(Boolean)];
}

function liveCloudOption(): Option {
  return new Option('--cloud <name>', 'Azure cloud of the live scope')
    .choices(['AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud'])
    .default('AzureCloud');
}

function buildProgram(version: string): Command {
  const program = new Command('phiguard')
    .description('Find, explain and fix HIPAA Security Rule failures in Azure IaC and live Azure state')
    .version(version, '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
    .showSuggestionAfterError(true);

  program
    .command('scan')
    .description('scan ARM, Bicep and Terraform sources, Terraform plans and Azure snapshots for HIPAA failures')
    .argument('[paths...]', 'files or directories (default: the current directory)')
    .option(
      '-c, --config <file>',
      'config file (default: .phiguard.yaml in the current directory, else the scanned root)',
    )
    .option('--show-config', 'print the effective config and exit')
    .option(
      '-f, --format <spec>',
      'output format(s): table, json, sarif, junit, csv, markdown, html; several as sarif:out.sarif,json:-',
      'table',
    )
    .option('-o, --output <file>', 'write a single format to this file (default: stdout)')
    .option(
      '--sarif-category <name>',
      'code scanning category of the SARIF run, one per phiguard job on a commit (default: phiguard/iac)',
    )
    .addOption(
      new Option(
        '--fail-on <severity>',
        'exit 1 when a failure at or above this severity exists (default: high)',
      ).choices([...SEVERITIES, 'none']),
    )
    .option('--include-passed', 'also report passing checks')
    .option(
      '--parameters <file>',
      'ARM parameter file (or .bicepparam) for every template (default: <template>.parameters.json)',
    )
    .option(
      '--var-file <file>',
      'Terraform variable file for every root module, after terraform.tfvars (repeatable)',
      (file: string, files: string[]) => [...files, file],
      [] as string[],
    )
    .option(
      '--waivers <file>',
      'waivers file (default: .phiguard/waivers.yaml beside the config or in the scanned root)',
    )
    .option('--baseline <file>', 'findings in this baseline are known: --fail-on judges only new ones')
    .option(
      '--create-baseline <file>',
      "write the scan's failures and reviews as a baseline (does not change the exit code)",
    )
    .option('--no-store', 'do not record this scan in the store')
    .option('--db <url>', 'store: SQLite file or postgres://... (default: $PHIGUARD_DB, else .phiguard/phiguard.db)')
    .option('--actor <name>', 'who ran the scan, for the ledger (default: the OS user)')
    .option('-q, --quiet', 'print only the report and errors')
    .option('--no-color', 'disable colours (NO_COLOR is honoured too)')
    .option('--live', 'collect live Azure and Entra ID state (the scope flags below) and scan it with the paths')
    .option('--subscription <id>', 'with --live: a subscription id (repeatable, or comma-separated)', collectValues)
    .option('--management-group <id>', 'with --live: every subscription under this management group')
    .option('--all-subscriptions', 'with --live: every subscription the credential can read')
    .option('--tenant <id>', 'with --live: the tenant to sign in to (alone: all its subscriptions)')
    .addOption(liveCloudOption())
    .option('--no-entra', 'with --live: skip Entra ID (Microsoft Graph)')
    .addHelpText(
      'after',
      `
Exit codes: 0 clean, 1 failures at or above --fail-on, 2 usage/config/input error, 3 scan incomplete.
Waived findings never fail the gate; with --baseline only new failures do. PHIGUARD_NOW=YYYY-MM-DD fixes the
clock that decides waiver expiry (reproducible runs and tests).

Examples:
  phiguard scan examples/contoso-health
  phiguard scan infra/ --format json --output findings.json --fail-on critical
  phiguard scan main.json --parameters prod.parameters.json
  phiguard scan infra/ --create-baseline .phiguard/baseline.json
  phiguard scan infra/ --baseline .phiguard/baseline.json --format sarif:phiguard.sarif,table:-`,
    )
    .action(async (paths: string[], options) => {
      const { scanCommand } = await import('./scan.js');
      process.exitCode = await scanCommand(paths, options, version);
    });

  program
    .command('fix')
    .description(
      'fix failing findings in ARM, Bicep and Terraform sources where each value originates; prove by rescan',
    )
    .argument('[paths...]', 'files or directories (default: the current directory)')
    .option(
      '-c, --config <file>',
      'config file (default: .phiguard.yaml in the current directory, else the scanned root)',
    )
    .option('--parameters <file>', 'ARM parameter file (or .bicepparam) for every template')
    .option(
      '--var-file <file>',
      'Terraform variable file for every root module, after terraform.tfvars (repeatable)',
      (file: string, files: string[]) => [...files, file],
      [] as string[],
    )
    .option('--waivers <file>', 'waivers file: waived findings are not fixed')
    .option('--apply', 'write the changes (atomically), then rescan and report each finding')
    .option('--rule <ids...>', 'only these rules')
    .addOption(new Option('--severity <min>', 'only findings at or above this severity').choices([...SEVERITIES]))
    .option('--interactive', 'ask before each file change (needs a terminal)')
    .option(
      '--az [file]',
      'write an idempotent bash script of az commands for live/snapshot findings (default: stdout)',
    )
    .option('-o, --output <file>', 'write the report (diffs, results) to this file (default: stdout)')
    .option('-f, --format <format>', 'report format: text or json', 'text')
    .option('-q, --quiet', 'print only the report and errors')
    .addHelpText(
      'after',
      `
Without --apply nothing is written: the diffs are printed. Exit codes: 0 every selected finding fixed (or nothing to
fix), 1 something still fails, needs input or a manual step (a dry run with findings to fix), 2 usage/config/input
error, 3 scan incomplete.

Examples:
  phiguard fix infra/                          # dry run: unified diffs
  phiguard fix infra/ --apply --rule PHI-STG-006 PHI-STG-004
  phiguard fix snapshot.json --az remediate.sh # then: ./remediate.sh --dry-run`,
    )
    .action(async (paths: string[], options) => {
      const { fixCommand } = await import('./fix.js');
      process.exitCode = await fixCommand(paths, options, version);
    });

  program
    .command('collect')
    .description('collect live Azure resources and Entra ID objects into a snapshot that `phiguard scan` reads')
    .requiredOption('-o, --out <file>', 'snapshot file: .ndjson/.jsonl (large estates) or .json, optionally .gz')
    .option('--subscription <id>', 'a subscription id (repeatable, or comma-separated)', collectValues)
    .option('--management-group <id>', 'every subscription under this management group')
    .option('--all-subscriptions', 'every subscription the credential can read')
    .option('--tenant <id>', 'the tenant to sign in to (alone: all its subscriptions)')
    .addOption(liveCloudOption())
    .option('--no-entra', 'skip Entra ID (Microsoft Graph)')
    .option('--concurrency <n>', 'requests in flight per endpoint (default: 16)')
    .option('-q, --quiet', 'print only errors')
    .addHelpText(
      'after',
      `
Credentials: DefaultAzureCredential (az login, AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET, managed or
workload identity). Needs Reader on the scope, and for Entra ID the Graph application permissions
Application.Read.All, Directory.Read.All, Policy.Read.All and RoleManagement.Read.Directory (docs/live.md).
Exit codes: 0 complete, 2 bad flags, 3 incomplete (the snapshot records what failed and why).

Examples:
  phiguard collect --subscription 00000000-0000-0000-0000-000000000000 --out snapshot.ndjson.gz
  phiguard collect --management-group mg-health --cloud AzureUSGovernment --out gov.ndjson.gz
  phiguard scan snapshot.ndjson.gz`,
    )
    .action(async (options) => {
      const { collectCommand } = await import('./collect.js');
      process.exitCode = await collectCommand(options, version);
    });

  const rules = program.command('rules').description('the rule catalog');
  rules
    .command('list')
    .description('list every rule with its severity and HIPAA citations')
    .option('-f, --format <format>', 'table or json', 'table')
    .action(async (options) => {
      const { rulesList } = await import('./rules.js');
      process.exitCode = await rulesList(options);
    });
  rules
    .command('show')
    .description("print one rule's documentation")
    .argument('<id>', 'rule id, e.g. PHI-STG-004')
    .addHelpText('after', '\nExample:\n  phiguard rules show PHI-STG-004')
    .action(async (id: string) => {
      const { rulesShow } = await import('./rules.js');
      process.exitCode = await rulesShow(id);
    });

  const guardrails = program
    .command('guardrails')
    .description('generate preventive and detective controls: Azure Policy, Sentinel rules, Conditional Access');
  /** Every guardrail is one document: where it goes, which config it reads, whether notes are printed. */
  const guardrail = (name: string, description: string) =>
    guardrails
      .command(name)
      .description(description)
      .option('-o, --output <file>', 'write to this file (default: stdout)')
      .option('-c, --config <file>', 'config file (default: .phiguard.yaml in the current directory)')
      .option('-q, --quiet', 'do not print notes on stderr');
  const guardrailFormat = (fallback: string) =>
    new Option('-f, --format <format>', `arm, bicep, terraform or json (default: ${fallback})`);
  guardrail(
    'policy',
    'an Azure Policy initiative for the HIPAA rules (built-in + custom definitions) and its assignment',
  )
    .requiredOption(
      '--scope <id>',
      'assignment scope: /subscriptions/<guid> or /providers/Microsoft.Management/managementGroups/<name>',
    )
    .addOption(
      new Option('--effect <effect>', 'audit, or deny where a definition supports Deny')
        .choices(['audit', 'deny'])
        .default('audit'),
    )
    .addOption(guardrailFormat('arm'))
    .addHelpText(
      'after',
      '\nExample:\n  phiguard guardrails policy --scope /subscriptions/<guid> --effect audit -f bicep -o phiguard-policy.bicep',
    )
    .action(async (options) => {
      const { guardrailsPolicy } = await import('./guardrails.js');
      process.exitCode = await guardrailsPolicy(options);
    });
  guardrail('sentinel', 'Microsoft Sentinel scheduled analytics rules for PHI access anomalies')
    .option('--workspace <name>', 'Sentinel workspace name or ARM id')
    .addOption(guardrailFormat('arm'))
    .addHelpText(
      'after',
      '\nExample:\n  phiguard guardrails sentinel --workspace law-phi-audit -f terraform -o sentinel.tf',
    )
    .action(async (options) => {
      const { guardrailsSentinel } = await import('./guardrails.js');
      process.exitCode = await guardrailsSentinel(options);
    });
  guardrail(
    'conditional-access',
    'Microsoft Graph Conditional Access policies: MFA and sign-in frequency for the PHI applications',
  )
    .addOption(
      new Option('--state <state>', 'policy state')
        .choices(['enabledForReportingButNotEnforced', 'enabled', 'disabled'])
        .default('enabledForReportingButNotEnforced'),
    )
    .option('--no-block-legacy-auth', 'leave out the policy blocking legacy authentication')
    .addOption(new Option('-f, --format <format>', 'json (Graph POST bodies) or terraform (azuread)').default('json'))
    .addHelpText(
      'after',
      '\nExample:\n  phiguard guardrails conditional-access -o ca.json\n  for i in $(seq 0 $(($(jq length ca.json) - 1))); do jq ".[$i]" ca.json > /tmp/ca.json; az rest --method POST --url https://graph.microsoft.com/v1.0/identity/conditionalAccess/policies --body @/tmp/ca.json; done',
    )
    .action(async (options) => {
      const { guardrailsConditionalAccess } = await import('./guardrails.js');
      process.exitCode = await guardrailsConditionalAccess(options);
    });
  program
    .command('history')
    .description("list recorded scans, one scan's findings, or the lifecycle of findings across scans")
    .option('--db <url>', 'store: SQLite file or postgres://... (default: $PHIGUARD_DB, else .phiguard/phiguard.db)')
    .option('--scope <root>', 'only scans of this scanned root (a path, or a scope as history prints it)')
    .option('--findings <scan>', "list this scan's findings with their lifecycle")
    .option('--lifecycle', 'list every finding subject: new, open, fixed, reopened or waived')
    .option('--limit <n>', 'at most this many scans, newest first')
    .option('-f, --format <format>', 'table or json', 'table')
    .addHelpText(
      'after',
      '\nExamples:\n  phiguard history\n  phiguard history --scope infra --lifecycle\n  phiguard history --findings 12 -f json',
    )
    .action(async (options) => {
      const { historyCommand } = await import('./history.js');
      process.exitCode = await historyCommand(options);
    });
  program
    .command('diff')
    .description('what changed between two recorded scans: new, fixed, reopened, waived, still failing')
    .argument('<scanA>', 'the earlier scan id (phiguard history)')
    .argument('<scanB>', 'the later scan id')
    .option('--db <url>', 'store: SQLite file or postgres://... (default: $PHIGUARD_DB, else .phiguard/phiguard.db)')
    .option('-f, --format <format>', 'table or json', 'table')
    .addHelpText('after', '\nExample:\n  phiguard diff 11 12')
    .action(async (from: string, to: string, options) => {
      const { diffCommand } = await import('./diff.js');
      process.exitCode = await diffCommand(from, to, options);
    });
  const evidence = program.command('evidence').description('signed, offline-verifiable evidence packages for OCR');
  evidence
    .command('export')
    .description('write an evidence package: narrative, findings CSV, before/after, ledger excerpt, signed manifest')
    .requiredOption('--out <file>', 'the package to write, e.g. ocr-package.zip')
    .option('--scope <root>', 'only scans of this scanned root (a path, or a scope as history prints it)')
    .option('--since <date>', 'only scans started at or after this date (YYYY-MM-DD or ISO date-time)')
    .option('--db <url>', 'store: SQLite file or postgres://... (default: $PHIGUARD_DB, else .phiguard/phiguard.db)')
    .option('--actor <name>', 'who exports, for the ledger (default: the OS user)')
    .option('--no-pdf', 'do not render narrative.pdf even when Chromium is installed')
    .addHelpText(
      'after',
      '\nExample:\n  phiguard evidence export --out ocr-package.zip --scope infra --since 2026-01-01',
    )
    .action(async (options) => {
      const { evidenceExport } = await import('./evidence.js');
      process.exitCode = await evidenceExport(options, version);
    });
  evidence
    .command('verify')
    .description('check a package offline: signatures, every file hash, ledger chain and checkpoints')
    .argument('<package>', 'the package zip')
    .option('--public-key <pem>', "the signer's public key, obtained separately (pins it)")
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExit codes: 0 verified, 1 something is wrong (each problem printed), 2 not a package.\nExample:\n  phiguard evidence verify ocr-package.zip --public-key signer.pem',
    )
    .action(async (path: string, options) => {
      const { evidenceVerify } = await import('./evidence.js');
      process.exitCode = await evidenceVerify(path, options);
    });
  return program;
}

export async function main(args: string[], version: string): Promise<number> {
  const program = buildProgram(version);
  try {
    process.exitCode = 0;
    await program.parseAsync(args, { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through exitOverride with code 0; commander already printed its message.
      return error.exitCode === 0 ? 0 : EXIT.usage;
    }
    if (error instanceof UserError) {
      process.stderr.write(`phiguard: ${error.format()}\n`);
      // A store that cannot be reached (src/store/errors.ts) is "incomplete", not a usage error.
      return 'exitCode' in error && typeof error.exitCode === 'number' ? error.exitCode : EXIT.usage;
    }
    process.stderr.write(`phiguard: internal error (please report it)\n${(error as Error).stack ?? error}\n`);
    return EXIT_INTERNAL;
  }
}
