/**
 * Static checks of the container deployment (Dockerfile, .dockerignore, docker-compose.yml, deploy/): there is no
 * Docker engine on the development machines, so nothing is built or run here. `docker-compose config` validates the
 * compose file; the Dockerfile is parsed and its paths are checked against what `tsc -p tsconfig.build.json` emits.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { PROJECT_ROOT } from '../helpers/processes';
import { tempDir } from '../helpers/tmp';
import { WORKER_RUNTIME_ENV } from '../../worker/runtime-settings';

const root = (...parts: string[]) => path.join(PROJECT_ROOT, ...parts);
const read = (...parts: string[]) => fs.readFileSync(root(...parts), 'utf8');

// ---------------------------------------------------------------- Dockerfile

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  image: string;
  name: string | undefined;
  instructions: Instruction[];
}

function parseDockerfile(text: string): Stage[] {
  const lines: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    // Docker drops comment lines, also inside a continued instruction.
    if (line.startsWith('#') || (line === '' && pending === '')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    lines.push(pending + line);
    pending = '';
  }
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, keyword, args] = /^(\S+)\s*(.*)$/.exec(line)!;
    if (keyword.toUpperCase() === 'FROM') {
      const [image, as, name] = args.split(/\s+/).filter((word) => !word.startsWith('--'));
      stages.push({ image, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else {
      if (stages.length === 0) throw new Error(`Dockerfile: ${keyword} before the first FROM`);
      stages.at(-1)!.instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return stages;
}

const all = (stage: Stage, keyword: string) =>
  stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

function execForm(args: string): string[] {
  expect(args.startsWith('[')).toBe(true); // Exec form: the process gets SIGTERM itself, no shell in between.
  return JSON.parse(args) as string[];
}

function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const args of all(stage, 'ENV')) {
    if (!args.includes('=')) {
      const [key, ...rest] = args.split(/\s+/);
      env[key] = rest.join(' ');
    } else {
      for (const pair of args.split(/\s+/)) {
        const [key, ...value] = pair.split('=');
        env[key] = value.join('=').replace(/^"(.*)"$/, '$1');
      }
    }
  }
  return env;
}

// ---------------------------------------------------------------- what tsc emits

/** Project-relative .js paths `tsc -p tsconfig.build.json` writes, mapped from each source (rootDir → outDir). */
function buildOutputs(): Map<string, string> {
  const file = root('tsconfig.build.json');
  const { config, error } = ts.readConfigFile(file, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, PROJECT_ROOT, undefined, file);
  const { outDir, rootDir } = parsed.options;
  if (!outDir || !rootDir) throw new Error('tsconfig.build.json must set outDir and rootDir');
  // The program, not only `include`: files imported from elsewhere (client/demo.ts uses emulators/shopify) are
  // emitted too, and must be in the build context.
  const program = ts.createProgram(parsed.fileNames, parsed.options);
  const outputs = new Map<string, string>();
  for (const { fileName } of program.getSourceFiles()) {
    if (!/\.ts$/.test(fileName) || fileName.endsWith('.d.ts')) continue;
    if (path.relative(PROJECT_ROOT, fileName).split(path.sep)[0] === 'node_modules') continue;
    const out = path.join(outDir, path.relative(rootDir, fileName)).replace(/\.ts$/, '.js');
    outputs.set(path.relative(PROJECT_ROOT, out), path.relative(PROJECT_ROOT, fileName));
  }
  return outputs;
}

// ---------------------------------------------------------------- .dockerignore

/** Docker's matching, enough for this file: `*`, `?`, `**`, `!` exceptions; a matched directory hides its files. */
function dockerignore(text: string): (file: string) => boolean {
  const rules = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const exception = line.startsWith('!');
      const pattern = path.posix.normalize((exception ? line.slice(1) : line).replace(/^\/+|\/+$/g, ''));
      const regex = pattern
        .split(/(\*\*\/|\*\*|\*|\?)/)
        .map((part) =>
          part === '**/'
            ? '(?:.*/)?'
            : part === '**'
              ? '.*'
              : part === '*'
                ? '[^/]*'
                : part === '?'
                  ? '[^/]'
                  : part.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
        )
        .join('');
      return { exception, regex: new RegExp(`^${regex}$`) };
    });
  return (file) => {
    const parts = file.split('/');
    let ignored = false;
    for (const { exception, regex } of rules) {
      if (parts.some((_, i) => regex.test(parts.slice(0, i + 1).join('/')))) ignored = !exception;
    }
    return ignored;
  };
}

// ---------------------------------------------------------------- docker-compose

type Service = {
  build?: { context: string; dockerfile?: string };
  image?: string;
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string | number | null>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] | string };
  volumes?: string[];
  ports?: string[];
  profiles?: string[];
  restart?: string;
  container_name?: string;
  stop_grace_period?: string;
};
interface ComposeConfig {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

function findOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * `docker-compose config` on a copy of the compose file next to a dummy `.env` (its `env_file` must exist), in a
 * clean environment so neither the developer's `.env` nor their shell variables leak in.
 */
function composeConfig(dir: string): ComposeConfig {
  const executable = findOnPath('docker-compose');
  if (!executable) {
    throw new Error(
      'docker-compose is not installed, so docker-compose.yml cannot be validated. ' +
        'Install it with: apt-get install -y docker-compose',
    );
  }
  fs.copyFileSync(root('docker-compose.yml'), path.join(dir, 'docker-compose.yml'));
  fs.writeFileSync(
    path.join(dir, '.env'),
    'SHOPIFY_STORE=docker-test\nSHOPIFY_API_TOKEN=shpat_docker_test\nDATA_DIR=host-data\nTEMPORAL_ADDRESS=localhost:7233\n',
  );
  const env = { PATH: process.env.PATH ?? '', HOME: dir, LANG: 'C.UTF-8' };
  const result = spawnSync(executable, ['-f', path.join(dir, 'docker-compose.yml'), 'config'], {
    cwd: dir,
    env,
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`docker-compose config failed (exit ${result.status}):\n${result.stderr}${result.stdout}`);
  }
  // docker-compose v1 prints YAML only; its own Python interpreter necessarily has PyYAML.
  const shebang = fs.readFileSync(executable, 'utf8').split('\n', 1)[0];
  const [python, ...pythonArgs] =
    shebang.startsWith('#!') && /python/.test(shebang) ? shebang.slice(2).trim().split(/\s+/) : ['python3'];
  const json = spawnSync(
    python,
    [...pythonArgs, '-c', 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'],
    { input: result.stdout, env, encoding: 'utf8' },
  );
  if (json.status !== 0) throw new Error(`Could not read docker-compose's YAML with ${python}: ${json.stderr}`);
  return JSON.parse(json.stdout) as ComposeConfig;
}

const command = (service: Service): string[] =>
  Array.isArray(service.command) ? service.command : (service.command ?? '').split(/\s+/).filter(Boolean);

/** Compose durations like `5m`, `90s`, `1m30s` in seconds. */
function seconds(duration: string): number {
  let total = 0;
  for (const [, n, unit] of duration.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us)/g)) {
    total += Number(n) * { h: 3600, m: 60, s: 1, ms: 0.001, us: 0.000001 }[unit as 'h' | 'm' | 's' | 'ms' | 'us'];
  }
  return total;
}

// ---------------------------------------------------------------- tests

describe('container deployment (static: no Docker engine here)', () => {
  const stages = parseDockerfile(read('Dockerfile'));
  const runtime = stages.at(-1)!;
  const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
  const outputs = buildOutputs();

  let compose: ComposeConfig | undefined;
  let composeError: unknown;
  const tmp = tempDir('docker-compose-');
  beforeAll(() => {
    try {
      compose = composeConfig(tmp.dir);
    } catch (error) {
      composeError = error;
    }
  });
  afterAll(() => tmp.cleanup());
  const config = (): ComposeConfig => {
    if (!compose) throw composeError;
    return compose;
  };
  /** A bind mount's host side, back in the project (the compose file was validated from a copy in tmp). */
  const hostPath = (source: string) => path.join(PROJECT_ROOT, path.relative(tmp.dir, source));

  it('Dockerfile: Debian slim Node 20 stages (glibc, never Alpine), build tools only in the build stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.image).toBe('node:20-bookworm-slim');
    const installed = (stage: Stage) =>
      all(stage, 'RUN').flatMap((run) =>
        [...run.matchAll(/apt-get install([^&;|]*)/g)].flatMap((m) =>
          m[1].split(/\s+/).filter((w) => !w.startsWith('-')),
        ),
      );
    expect(installed(stages[0])).toEqual(expect.arrayContaining(['python3', 'make', 'g++']));
    const buildRuns = all(stages[0], 'RUN').join('\n');
    expect(buildRuns).toMatch(/\bnpm ci\b/);
    expect(buildRuns).toMatch(/\bnpm run build\b/);
    expect(buildRuns).toMatch(/\bnpm (prune --omit=dev|ci --omit=dev)\b/);
    expect(installed(runtime)).toContain('ca-certificates');
    expect(installed(runtime)).not.toContain('g++');
  });

  it('Dockerfile: every `npm run X` is a script in package.json, and the files copied in exist', () => {
    const text = stages.flatMap((s) => s.instructions.map((i) => i.args)).join('\n');
    const used = [...text.matchAll(/\bnpm run ([\w:-]+)/g)].map((m) => m[1]);
    expect(used.length).toBeGreaterThan(0);
    for (const script of used) expect(Object.keys(scripts)).toContain(script);
    for (const args of stages.flatMap((s) => all(s, 'COPY')).filter((a) => !a.startsWith('--from'))) {
      const sources = args
        .split(/\s+/)
        .filter((word) => !word.startsWith('--'))
        .slice(0, -1);
      for (const source of sources) if (source !== '.') expect(fs.existsSync(root(source))).toBe(true);
    }
  });

  it('Dockerfile: the runtime stage runs as a non-root user with /data and /logs volumes it owns', () => {
    const users = all(runtime, 'USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    expect(all(runtime, 'WORKDIR').at(-1)).toBe('/app');
    const volumes = all(runtime, 'VOLUME').flatMap((args) => execForm(args));
    expect(volumes).toEqual(expect.arrayContaining(['/data', '/logs']));
    expect(envOf(runtime)).toMatchObject({ NODE_ENV: 'production', DATA_DIR: '/data', LOG_DIR: '/logs' });
    const runs = all(runtime, 'RUN').join('\n');
    expect(runs).toMatch(/chown\s+(\S+)\s+\/data\s+\/logs/);
    expect(runs.match(/chown\s+(\S+)\s/)![1].split(':')[0]).toBe(users.at(-1)!.split(':')[0]);
    expect(all(runtime, 'STOPSIGNAL')).toEqual(['SIGTERM']);
  });

  it('the image and `npm run worker` start the worker with the memory settings the benchmark measured', () => {
    expect(envOf(runtime)).toMatchObject(WORKER_RUNTIME_ENV);
    expect(scripts.worker).toContain(`MALLOC_ARENA_MAX=${WORKER_RUNTIME_ENV.MALLOC_ARENA_MAX}`);
    expect(scripts.worker).toContain(`NODE_OPTIONS="${WORKER_RUNTIME_ENV.NODE_OPTIONS} $NODE_OPTIONS"`);
  });

  it('Dockerfile: the CMD runs what tsc emits for worker/index.ts, copied from the build stage', () => {
    const cmd = execForm(all(runtime, 'CMD').at(-1)!);
    expect(cmd).toEqual(['node', 'dist/worker/index.js']);
    expect(outputs.get(cmd[1])).toBe(path.join('worker', 'index.ts'));
    expect(fs.existsSync(root('worker', 'index.ts'))).toBe(true);
    // create-worker.ts bundles `require.resolve('../workflows')` at start: it must be in the image too.
    expect(outputs.get(path.join('dist', 'workflows', 'index.js'))).toBe(path.join('workflows', 'index.ts'));
    const copies = all(runtime, 'COPY').filter((a) => a.startsWith(`--from=${stages[0].name}`));
    const copied = copies.map((a) => a.split(/\s+/).slice(1));
    expect(copied).toEqual(
      expect.arrayContaining([
        ['/app/dist', './dist'],
        ['/app/node_modules', './node_modules'],
        ['/app/package.json', './package.json'],
      ]),
    );
  });

  it('.dockerignore keeps host installs, outputs and secrets out, and everything the build needs in', () => {
    const ignored = dockerignore(read('.dockerignore'));
    for (const file of ['node_modules/x', 'dist/x.js', '.tools/bin/temporal', 'data/shopify_data.db', 'logs/a.log'])
      expect(ignored(file)).toBe(true);
    for (const file of ['.env', '.git/HEAD', 'test-output/x', 'gspread_credentials.json'])
      expect(ignored(file)).toBe(true);
    const needed = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', ...outputs.values()];
    expect(needed.filter(ignored)).toEqual([]);
  });

  it('tsc -p tsconfig.build.json emits the worker, the workflows bundle entry and the client the image runs, and the bulk ingest threads start from it', () => {
    const out = tempDir('docker-build-');
    try {
      const tsc = spawnSync(
        process.execPath,
        [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', out.dir],
        { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 60_000 },
      );
      expect(`${tsc.stdout}${tsc.stderr}`).toBe('');
      expect(tsc.status).toBe(0);
      for (const file of ['worker/index.js', 'workflows/index.js', 'client/sync.js'])
        expect(fs.existsSync(path.join(out.dir, file))).toBe(true);
      // The bulk ingest's threads start from the compiled files, with no TypeScript loader: an order and its line
      // item staged by hand, assembled and prepared on the assembler thread, beside the checkpointer thread; two
      // lines cut and parsed by the parser thread.
      const script = `
        const dist = (file) => require(require('path').join(${JSON.stringify(out.dir)}, file));
        const { openDatabase } = dist('activities/store/database.js');
        const { startIngest, stagedFileOf } = dist('activities/store/bulk-ingest-state.js');
        const { assembleOnThread } = dist('activities/store/bulk-assembler.js');
        const { startBackgroundCheckpoints } = dist('activities/store/background-checkpoints.js');
        (async () => {
          const db = openDatabase(${JSON.stringify(path.join(out.dir, 'data'))});
          const { ingestId } = startIngest(db, 'gid://shopify/BulkOperation/1');
          const order = JSON.stringify({ id: 'gid://shopify/Order/5', legacyResourceId: '5' }) + '\\n';
          const item = JSON.stringify({ id: 'gid://shopify/LineItem/6', __parentId: 'gid://shopify/Order/5' }) + '\\n';
          require('fs').writeFileSync(stagedFileOf(db, ingestId), order + item);
          const stage = db.prepare('INSERT INTO bulk_staging (ingest_id, line, gid, parent_gid, byte_offset, length) VALUES (?, ?, ?, ?, ?, ?)');
          stage.run(ingestId, 0, 'gid://shopify/Order/5', null, 0, order.length);
          stage.run(ingestId, 1, 'gid://shopify/LineItem/6', 'gid://shopify/Order/5', order.length, item.length);
          const checkpoints = startBackgroundCheckpoints(db);
          const input = { operationId: 'op', ingestId, stagingFile: stagedFileOf(db, ingestId), afterLine: -1, batchRecords: 10, childFields: { Order: { LineItem: 'lineItems' } } };
          const batches = [];
          for await (const batch of assembleOnThread(db, input, { resource: 'orders', timeZone: null })) batches.push(batch);
          await checkpoints.stop();
          const rows = batches.map((b) => [b.payload.pages[0].rows[0].main[0], b.payload.pages[0].rows[0].children[0].length]);
          const { startModuleThread } = dist('activities/module-thread.js');
          const parser = startModuleThread(require('path').join(${JSON.stringify(out.dir)}, 'activities/shopify/graphql/jsonl-parser-thread'), { fromOffset: 0 });
          const parsed = await new Promise((resolve, reject) => {
            parser.once('message', resolve);
            parser.once('error', reject);
            parser.postMessage({ bytes: Buffer.from('{"id":"a"}\\n{"id":"b"}'), end: true });
          });
          await parser.terminate();
          process.stdout.write(JSON.stringify({ rows, gids: parsed.gids }));
        })().catch((error) => { console.error(error); process.exit(1); });`;
      const run = spawnSync(process.execPath, ['-e', script], {
        cwd: out.dir,
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, NODE_PATH: path.join(PROJECT_ROOT, 'node_modules') },
      });
      expect(run.stderr).toBe('');
      expect(JSON.parse(run.stdout)).toEqual({ rows: [[5, 1]], gids: ['a', 'b'] });
    } finally {
      out.cleanup();
    }
  });

  it('docker-compose config accepts docker-compose.yml and has every service', () => {
    expect(Object.keys(config().services).sort()).toEqual(
      [
        'check',
        'postgresql',
        'schedule',
        'sync',
        'temporal',
        'temporal-admin-tools',
        'temporal-create-namespace',
        'temporal-ui',
        'worker',
      ].sort(),
    );
    const images = Object.values(config().services).map((s) => s.image ?? '');
    expect(images.filter((image) => /auto-setup/.test(image))).toEqual([]); // deprecated image
  });

  it('compose: Temporal on PostgreSQL with a one-shot schema job, health checks and a namespace job', () => {
    const { services } = config();
    expect(services.postgresql.image).toBe('postgres:16');
    expect(JSON.stringify(services.postgresql.healthcheck?.test)).toMatch(/pg_isready/);
    expect(services.postgresql.volumes?.some((v) => v.split(':')[1] === '/var/lib/postgresql/data')).toBe(true);

    expect(services['temporal-admin-tools'].image).toMatch(/^temporalio\/admin-tools:1\.\d+\.\d+$/);
    expect(services.temporal.image).toMatch(/^temporalio\/server:1\.\d+\.\d+$/);
    expect(services.temporal.image!.split(':')[1]).toBe(services['temporal-admin-tools'].image!.split(':')[1]);
    expect(services.temporal.healthcheck?.test).toBeDefined();
    expect(services.temporal.depends_on).toEqual({
      postgresql: { condition: 'service_healthy' },
      'temporal-admin-tools': { condition: 'service_completed_successfully' },
    });
    expect(services.temporal.ports).toEqual([expect.stringMatching(/:7233:7233(\/tcp)?$/)]);
    expect(services['temporal-ui'].image).toMatch(/^temporalio\/ui:/);
    expect(services['temporal-ui'].environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(services['temporal-ui'].ports).toEqual([expect.stringMatching(/:8080:8080(\/tcp)?$/)]);

    // The schema and namespace scripts are mounted from deploy/ and do what samples-server's do.
    const script = (name: string) => {
      const service = services[name];
      const scriptPath = command(service).find((word) => word.endsWith('.sh'))!;
      const mount = service
        .volumes!.map((v) => v.split(':'))
        .find(([, target]) => scriptPath.startsWith(`${target}/`))!;
      return fs.readFileSync(path.join(hostPath(mount[0]), path.relative(mount[1], scriptPath)), 'utf8');
    };
    const schema = script('temporal-admin-tools');
    for (const step of ['temporal-sql-tool', ' create', 'setup-schema -v 0.0', 'update-schema', 'temporal_visibility'])
      expect(schema).toContain(step);
    expect(script('temporal-create-namespace')).toMatch(/temporal operator namespace create/);

    // The server's dynamic config file is one that exists in deploy/.
    const dynamic = path.posix.join('/etc/temporal', String(services.temporal.environment?.DYNAMIC_CONFIG_FILE_PATH));
    const mount = services.temporal.volumes!.map((v) => v.split(':')).find(([, target]) => dynamic.startsWith(target))!;
    expect(fs.existsSync(path.join(hostPath(mount[0]), path.posix.relative(mount[1], dynamic)))).toBe(true);

    // Every bind mount's source is in the project.
    for (const service of Object.values(services))
      for (const [source] of (service.volumes ?? []).map((v) => v.split(':')))
        if (source.startsWith('/')) expect(fs.existsSync(hostPath(source))).toBe(true);
  });

  it('compose: depends_on waits only on health checks and one-shot jobs that exist', () => {
    const { services } = config();
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        const target = services[dependency];
        expect({ name, dependency, exists: Boolean(target) }).toEqual({ name, dependency, exists: true });
        if (condition === 'service_healthy') expect(target.healthcheck?.test).toBeDefined();
        if (condition === 'service_completed_successfully') expect(target.restart ?? 'no').toMatch(/^(no|on-failure)/);
      }
    }
  });

  it('compose: the worker is built from this directory, reads .env, and is scalable with named volumes', () => {
    const { services, volumes } = config();
    const worker = services.worker;
    expect(worker.build?.context).toBe(tmp.dir); // the compose file's own directory, i.e. the project root
    expect(worker.build?.dockerfile ?? 'Dockerfile').toBe('Dockerfile');
    expect(fs.existsSync(root('Dockerfile'))).toBe(true);
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports).toBeUndefined();
    expect(worker.restart).toBe('unless-stopped');
    expect(seconds(worker.stop_grace_period ?? '10s')).toBeGreaterThanOrEqual(60);
    expect(command(worker)).toEqual([]); // the image's CMD: the worker
    // env_file .env is merged in; the container's own paths and Temporal address win over the host-oriented .env.
    expect(worker.environment).toMatchObject({
      SHOPIFY_STORE: 'docker-test',
      SHOPIFY_API_TOKEN: 'shpat_docker_test',
      TEMPORAL_ADDRESS: 'temporal:7233',
      DATA_DIR: '/data',
      LOG_DIR: '/logs',
    });
    const mounts = Object.fromEntries((worker.volumes ?? []).map((v) => v.split(':')).map(([s, t]) => [t, s]));
    for (const target of ['/data', '/logs']) {
      expect(mounts[target]).toBeDefined();
      expect(Object.keys(volumes ?? {})).toContain(mounts[target]);
    }
    expect(worker.depends_on?.['temporal-create-namespace']).toEqual({ condition: 'service_completed_successfully' });
  });

  it('compose: the sync, schedule and check one-shots run the built client with flags it has, under a profile', () => {
    const { services } = config();
    const expected = { sync: '--once', schedule: '--daemon', check: '--check' };
    for (const [name, flag] of Object.entries(expected)) {
      const service = services[name];
      expect(service.profiles).toContain('tools');
      expect(service.image).toBe(services.worker.image);
      expect(service.environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
      const [node, script, ...flags] = command(service);
      expect([node, script]).toEqual(['node', 'dist/client/sync.js']);
      expect(flags).toEqual([flag]);
      const source = outputs.get(script);
      expect(source).toBe(path.join('client', 'sync.ts'));
      for (const f of flags) expect(read(source!)).toContain(`'${f}`);
    }
  });
});
