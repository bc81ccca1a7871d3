/** bench/results.json (this run, overwritten) and bench/RESULTS.md (a section appended per run). */
import fs from 'node:fs';
import path from 'node:path';
import * as prettier from 'prettier';
import { Environment, machine } from './environment';
import type { Figure, ProfileSummary, ScenarioResult } from './figures';

export interface BenchResults {
  environment: Environment;
  options: { quick: boolean; large: boolean; only: string | null; worker: string };
  durationSeconds: number;
  scenarios: ScenarioResult[];
  failures: Array<{ scenario: string; error: string }>;
}

const DIR = __dirname;

function formatNumber(value: number): string {
  const abs = Math.abs(value);
  const digits = abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

function cell(figure: Figure): string {
  if (figure.display) return figure.display;
  if (figure.value === null) return 'not measured';
  return `${formatNumber(figure.value)}${figure.unit ? ` ${figure.unit}` : ''}`;
}

function met(figure: Figure): string {
  if (figure.met === undefined) return '';
  return figure.met === null ? '?' : figure.met ? 'yes' : '**no**';
}

const escape = (text: string) => text.replace(/\|/g, '\\|');

function profileMarkdown(profile: ProfileSummary): string[] {
  const lines = [
    '',
    `Profile: ${profile.what}; ${formatNumber(profile.sampledMs)} ms of CPU sampled in ${profile.threads} threads.`,
    '',
    '| Where (package or file) | Self ms | % |',
    '| --- | ---: | ---: |',
    ...profile.byCategory
      .slice(0, 10)
      .map((c) => `| ${escape(c.category)} | ${formatNumber(c.selfMs)} | ${c.percent} |`),
    '',
    '| Function (self time) | Where | Self ms | % |',
    '| --- | --- | ---: | ---: |',
    ...profile.top
      .slice(0, 15)
      .map((r) => `| ${escape(r.name)} | ${escape(r.where)} | ${formatNumber(r.selfMs)} | ${r.percent} |`),
  ];
  return lines;
}

export function markdownSection(results: BenchResults): string {
  const env = results.environment;
  const flags = [
    results.options.quick && '--quick',
    results.options.large && '--large',
    results.options.only && `--only ${results.options.only}`,
  ].filter(Boolean);
  const lines = [
    `## ${env.date.slice(0, 16).replace('T', ' ')} UTC — commit ${env.commit}${flags.length ? ` (${flags.join(' ')})` : ''}`,
    '',
    `Machine: ${machine(env)}. Load average at the start: ${env.loadAverage}. ` +
      `Worker: ${results.options.worker === 'compiled' ? 'compiled (node dist/worker/index.js, as in the Docker image)' : 'tsx (node --import tsx worker/index.ts, as npm run worker)'}. ` +
      `Benchmark took ${Math.round(results.durationSeconds / 60)} min.`,
  ];
  if (env.uncommittedChanges.length) {
    lines.push(
      `Uncommitted changes outside bench/ at the time: ${env.uncommittedChanges.map((f) => `\`${f}\``).join(', ')}.`,
    );
  }
  results.scenarios.forEach((scenario, i) => {
    lines.push(
      '',
      `### ${i + 1}. ${scenario.title}`,
      '',
      scenario.setup,
      '',
      '| Figure | Value | Target | Met? |',
      '| --- | ---: | --- | --- |',
    );
    for (const f of scenario.figures)
      lines.push(`| ${escape(f.figure)} | ${escape(cell(f))} | ${f.target ?? ''} | ${met(f)} |`);
    if (scenario.profile) lines.push(...profileMarkdown(scenario.profile));
  });
  for (const failure of results.failures) {
    lines.push('', `### ${failure.scenario}: failed`, '', '```', failure.error.slice(0, 3_000), '```');
  }
  return `${lines.join('\n')}\n`;
}

/** The project's Prettier style, so `npm run lint` stays clean after a run. */
async function formatted(file: string, text: string): Promise<string> {
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(text, { ...options, filepath: file });
}

export async function writeResults(results: BenchResults): Promise<{ json: string; markdown: string }> {
  const json = path.join(DIR, 'results.json');
  const markdown = path.join(DIR, 'RESULTS.md');
  fs.writeFileSync(json, await formatted(json, JSON.stringify(results, null, 2)));
  const previous = fs.existsSync(markdown)
    ? fs.readFileSync(markdown, 'utf8')
    : '# Benchmark results\n\nEach `npm run bench` appends a section (newest last). See bench/README.md for what is measured.\n';
  fs.writeFileSync(markdown, await formatted(markdown, `${previous}\n${markdownSection(results)}`));
  return { json, markdown };
}
