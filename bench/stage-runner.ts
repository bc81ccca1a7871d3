/** Runs one of bench/stages/*.ts in a child process and returns the JSON line it reports. */
import { spawnScript } from '../test/helpers/processes';
import type { StageOutput } from './stages/report';

export async function runStage<T extends StageOutput = StageOutput>(
  stage: string,
  args: Record<string, string | number>,
): Promise<T> {
  const child = spawnScript(
    `bench/stages/${stage}.ts`,
    Object.entries(args).map(([key, value]) => `--${key}=${value}`),
  );
  const code = await child.exited;
  const lines = child.output().trim().split('\n');
  const json = [...lines].reverse().find((line) => line.startsWith('{'));
  if (code !== 0 || !json)
    throw new Error(`bench/stages/${stage}.ts failed (${code}):\n${child.output().slice(-4_000)}`);
  return JSON.parse(json) as T;
}
