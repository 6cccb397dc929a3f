// Runs Salesforce Code Analyzer v5 (its core and the PMD, ESLint, RetireJS and regex engines,
// as `sf code-analyzer run` does) on a workspace and writes the SARIF its core formats.
//
//   node code-analyzer-run.mjs WORKSPACE OUTPUT.sarif [RULE_SELECTOR…]   (default: Recommended)
//
// Why not `sf code-analyzer run`: @salesforce/plugin-code-analyzer 5.16 imports the apexguru
// and uibundle engines statically, and a registry mirror without them (this project's CI) cannot
// install the plugin at all. The core, the engines and the SARIF formatter are the plugin's own;
// only the command-line wrapper is this file. Copy it next to the node_modules that hold them.
// With `code-analyzer.yml` in the workspace, it is used as `sf code-analyzer run` would.
import fs from 'node:fs';
import path from 'node:path';
import { CodeAnalyzer, CodeAnalyzerConfig, OutputFormat } from '@salesforce/code-analyzer-core';
import * as eslint from '@salesforce/code-analyzer-eslint-engine';
import * as pmd from '@salesforce/code-analyzer-pmd-engine';
import * as retirejs from '@salesforce/code-analyzer-retirejs-engine';
import * as regex from '@salesforce/code-analyzer-regex-engine';

const [workspace, output, ...selectors] = process.argv.slice(2);
if (!workspace || !output) {
  console.error('usage: node code-analyzer-run.mjs WORKSPACE OUTPUT.sarif [RULE_SELECTOR…]');
  process.exit(2);
}
const configFile = ['code-analyzer.yml', 'code-analyzer.yaml']
  .map((f) => path.join(workspace, f))
  .find((f) => fs.existsSync(f));
const config = configFile ? CodeAnalyzerConfig.fromFile(configFile) : CodeAnalyzerConfig.withDefaults();
const core = new CodeAnalyzer(config);
for (const m of [eslint, pmd, retirejs, regex]) {
  await core.addEnginePlugin(m.createEnginePlugin());
}
const ws = await core.createWorkspace([workspace]);
const selection = await core.selectRules(selectors.length ? selectors : ['Recommended'], { workspace: ws });
const results = await core.run(selection, { workspace: ws });
fs.writeFileSync(output, results.toFormattedOutput(OutputFormat.SARIF));
console.error(`code-analyzer: ${results.getViolationCount()} violation(s) from ${selection.getEngineNames().join(', ')} -> ${output}`);
