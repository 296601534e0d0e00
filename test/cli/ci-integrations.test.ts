// The CI integrations shipped in the repository: the GitHub Action, the Azure DevOps template and the pre-commit hook
// parse, reference only what they declare, and their shell steps are valid bash that drives the real CLI.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';

const ROOT = new URL('../../', import.meta.url).pathname;
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface ActionStep {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  shell?: string;
  if?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}
interface Action {
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

/** `${{ ... }}` expressions replaced, so that `bash -n` checks the script GitHub or Azure DevOps will run. */
function bashSyntax(script: string): string {
  const result = spawnSync('bash', ['-n'], { input: script.replace(/\$\{\{[^}]*\}\}/g, 'X'), encoding: 'utf8' });
  return result.status === 0 ? '' : result.stderr;
}

describe('GitHub Action (action.yml)', () => {
  const text = read('action.yml');
  const action = parse(text) as Action;

  it('is a composite action that references only inputs, steps and outputs it declares', () => {
    assert.equal(action.runs.using, 'composite');
    const declared = new Set(Object.keys(action.inputs));
    const referenced = new Set([...text.matchAll(/\binputs\.([\w-]+)/g)].map((m) => m[1]));
    assert.deepEqual(
      [...referenced].filter((name) => !declared.has(name)),
      [],
      'undeclared inputs',
    );
    assert.deepEqual(
      [...declared].filter((name) => !referenced.has(name)),
      [],
      'inputs never used',
    );
    for (const input of Object.values(action.inputs)) assert.ok(input.description);
    const ids = new Set(action.runs.steps.map((s) => s.id).filter(Boolean));
    for (const [, id] of text.matchAll(/\bsteps\.([\w-]+)\.outputs/g)) assert.ok(ids.has(id), `unknown step ${id}`);
    // Composite steps get no INPUT_* variables: inputs must be mapped through env or expressions.
    assert.doesNotMatch(text, /\$INPUT_|\$\{INPUT_/);
    for (const step of action.runs.steps) if (step.run) assert.ok(step.shell, `${step.name} needs a shell`);
  });

  it('sets up node, uploads SARIF with code scanning, writes the job summary and gates last', () => {
    const uses = action.runs.steps.map((s) => s.uses).filter(Boolean);
    assert.ok(uses.some((u) => /^actions\/setup-node@v\d+$/.test(u ?? '')));
    const upload = action.runs.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
    assert.ok(upload, 'upload-sarif step');
    assert.match(upload.if ?? '', /always\(\)/);
    assert.match(upload.with?.sarif_file ?? '', /^\$\{\{ steps\.scan\.outputs\.sarif-file \}\}$/);
    assert.ok(action.runs.steps.some((s) => s.run?.includes('$GITHUB_STEP_SUMMARY')));
    const last = action.runs.steps.at(-1);
    assert.match(last?.run ?? '', /exit 1/);
    for (const step of action.runs.steps) if (step.run) assert.equal(bashSyntax(step.run), '', `${step.name}`);
  });

  it('its scan step runs the CLI, records the exit code and the result files, and never fails itself', () => {
    const scan = action.runs.steps.find((s) => s.id === 'scan');
    assert.ok(scan?.run);
    const dir = mkdtempSync(join(tmpdir(), 'phiguard-action-'));
    mkdirSync(join(dir, 'infra'));
    writeFileSync(join(dir, '.phiguard.yaml'), 'classification:\n  default: non-phi\n');
    writeFileSync(
      join(dir, 'infra/main.tf'),
      'resource "azurerm_storage_account" "web" {\n  name = "stweb"\n  resource_group_name = "rg"\n  location = "eastus"\n  account_tier = "Standard"\n  account_replication_type = "GRS"\n  min_tls_version = "TLS1_0"\n}\n',
    );
    const out = join(dir, 'out');
    const outputs = join(dir, 'github-output');
    writeFileSync(outputs, '');
    const result = spawnSync('bash', ['-c', scan.run], {
      cwd: ROOT,
      encoding: 'utf8',
      env: {
        ...process.env,
        // The CLI from source, run in the workspace (test/helpers/cli-entry.ts).
        NODE_OPTIONS: '--import tsx',
        PHIGUARD: join(ROOT, 'test/helpers/cli-entry.ts'),
        PHIGUARD_TEST_CWD: dir,
        PHIGUARD_CONFIG: '',
        PATHS: 'infra\n',
        FAIL_ON: 'high',
        BASELINE: '',
        CONFIG: '',
        WAIVERS: '',
        CATEGORY: 'phiguard/test',
        OUT: out,
        GITHUB_OUTPUT: outputs,
      },
    });
    assert.equal(result.status, 0, result.stderr);
    const values = Object.fromEntries(
      readFileSync(outputs, 'utf8')
        .trim()
        .split('\n')
        .map((line) => line.split(/=(.*)/s).slice(0, 2)),
    );
    assert.equal(values['exit-code'], '1', 'TLS 1.0 on a storage account fails at high');
    assert.equal(values['json-file'], join(out, 'phiguard.json'));
    const report = JSON.parse(readFileSync(values['json-file'], 'utf8')) as { findings: { ruleId: string }[] };
    assert.ok(report.findings.some((f) => f.ruleId === 'PHI-STG-004'));
    assert.equal(values['sarif-file'], join(out, 'phiguard.sarif'));
    const sarif = JSON.parse(readFileSync(values['sarif-file'], 'utf8')) as {
      runs: { automationDetails?: { id: string } }[];
    };
    assert.match(sarif.runs[0].automationDetails?.id ?? '', /^phiguard\/test/);
    assert.ok(existsSync(join(out, 'summary.md')), 'the Markdown report for the job summary');
  });
});

describe('Azure DevOps template (ci/azure-pipelines/phiguard.yml)', () => {
  const text = read('ci/azure-pipelines/phiguard.yml');
  const template = parse(text) as {
    parameters: { name: string; default?: unknown }[];
    steps: {
      task?: string;
      bash?: string;
      inputs?: Record<string, string>;
      condition?: string;
      displayName?: string;
    }[];
  };

  it('declares every parameter it uses and publishes the JUnit file the scan writes', () => {
    const declared = new Set(template.parameters.map((p) => p.name));
    const referenced = new Set([...text.matchAll(/\bparameters\.(\w+)/g)].map((m) => m[1]));
    assert.deepEqual(
      [...referenced].filter((name) => !declared.has(name)),
      [],
      'undeclared parameters',
    );
    const publish = template.steps.find((s) => s.task === 'PublishTestResults@2');
    assert.equal(publish?.inputs?.testResultsFormat, 'JUnit');
    assert.equal(publish?.condition, 'succeededOrFailed()');
    const scan = template.steps.find((s) => s.bash?.includes('--format'));
    assert.ok(scan?.bash?.includes('junit:$OUT/phiguard.junit.xml'));
    assert.equal(publish?.inputs?.testResultsFiles, '$(Agent.TempDirectory)/phiguard/phiguard.junit.xml');
    for (const step of template.steps) if (step.bash) assert.equal(bashSyntax(step.bash), '', `${step.displayName}`);
    assert.match(template.steps.at(-1)?.bash ?? '', /exit 1/, 'the gate is last');
  });
});

describe('pre-commit hook (.pre-commit-hooks.yaml)', () => {
  it('runs `phiguard scan` (a bin of this package) on IaC changes only', () => {
    const [hook] = parse(read('.pre-commit-hooks.yaml')) as {
      id: string;
      entry: string;
      language: string;
      files: string;
    }[];
    assert.equal(hook.id, 'phiguard');
    assert.equal(hook.entry, 'phiguard scan');
    assert.equal(hook.language, 'node');
    assert.ok((JSON.parse(read('package.json')) as { bin: Record<string, string> }).bin.phiguard);
    const files = new RegExp(hook.files);
    for (const path of ['a/main.json', 'main.bicep', 'prod.bicepparam', 'x/main.tf', 'prod.tfvars']) {
      assert.match(path, files);
    }
    for (const path of ['README.md', 'main.tf.bak', 'src/app.ts']) assert.doesNotMatch(path, files);
  });
});

describe('docs/ci.md', () => {
  it('has a copy-paste example for each integration and is linked from the README', () => {
    const doc = read('docs/ci.md');
    assert.match(doc, /uses: [\w-]+\/phiguard@/);
    assert.match(doc, /template: ci\/azure-pipelines\/phiguard\.yml@phiguard/);
    assert.match(doc, /id: phiguard/);
    assert.match(read('README.md'), /\(docs\/ci\.md\)/);
    for (const [, block] of doc.matchAll(/```yaml\n([\s\S]*?)```/g)) assert.doesNotThrow(() => parse(block), block);
  });
});
