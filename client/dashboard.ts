/**
 * `npm run dashboard`: serves DATA_DIR/dashboard on http://127.0.0.1:8765 with Node's http module, rendering it from
 * DATA_DIR/shopify_data.db first when `--render` is given or the folder has no index.html yet.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Command } from 'commander';
import { ConfigError, loadAppConfig, loadDotenv } from '../common/config';
import { DASHBOARD_DIR, DASHBOARD_INDEX, renderDashboard } from '../activities/dashboard/render';
import { DATABASE_FILE } from '../activities/store/database';

export const DEFAULT_DASHBOARD_PORT = 8765;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

export interface DashboardServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Reads a file of `dir`, retrying briefly while a re-render swaps the folder (it is missing for a moment). */
async function readServed(file: string): Promise<Buffer | null> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await fs.promises.readFile(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'EISDIR') throw error;
      if (code === 'EISDIR') return null;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return null;
}

/** A static file server for the dashboard folder: GET and HEAD only, no listing, nothing outside `dir`. */
export async function startDashboardServer(options: {
  dir: string;
  /** Default 8765; 0 picks a free port. */
  port?: number;
  host?: string;
}): Promise<DashboardServer> {
  const root = path.resolve(options.dir);
  const host = options.host ?? '127.0.0.1';
  const server = http.createServer((req, res) => {
    const send = (status: number, body: string | Buffer, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, {
        'Content-Type': type,
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
        'Content-Length': Buffer.byteLength(body),
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'Method not allowed\n');
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      return send(400, 'Bad request\n');
    }
    if (pathname.endsWith('/')) pathname += DASHBOARD_INDEX;
    const file = path.resolve(root, `.${pathname}`);
    if (pathname.includes('\0') || (file !== root && !file.startsWith(root + path.sep))) {
      return send(404, 'Not found\n');
    }
    readServed(file).then(
      (body) =>
        body === null
          ? send(404, 'Not found\n')
          : send(200, body, TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream'),
      () => send(500, 'Cannot read the file\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_DASHBOARD_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Renders `outDir` from the database in `dataDir` (read-only: a running sync keeps writing). */
export async function renderFromDatabase(dataDir: string, outDir: string, fileMode?: number) {
  const file = path.join(dataDir, DATABASE_FILE);
  if (!fs.existsSync(file)) {
    throw new ConfigError(`There is no database at ${file} yet: run a sync first (npm run sync), or set DATA_DIR.`);
  }
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return await renderDashboard(db, dataDir, { outDir, fileMode });
  } finally {
    db.close();
  }
}

interface DashboardFlags {
  dir?: string;
  port: string;
  host: string;
  render?: boolean;
}

async function main(): Promise<void> {
  const program = new Command()
    .name('npm run dashboard --')
    .description('Serve the analytics dashboard (DATA_DIR/dashboard) on a local port.')
    .option('--dir <path>', 'the dashboard folder to serve (default: DATA_DIR/dashboard)')
    .option('--port <number>', 'port to listen on', String(DEFAULT_DASHBOARD_PORT))
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--render', 'regenerate the dashboard from DATA_DIR/shopify_data.db before serving')
    .showHelpAfterError();
  program.parse();
  const flags = program.opts<DashboardFlags>();
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`--port must be a port number.`);

  loadDotenv();
  const app = loadAppConfig();
  const dir = path.resolve(flags.dir ?? path.join(app.dataDir, DASHBOARD_DIR));
  if (flags.render || !fs.existsSync(path.join(dir, DASHBOARD_INDEX))) {
    const rendered = await renderFromDatabase(app.dataDir, dir, app.outputFileMode);
    console.log(
      `Rendered ${rendered.dir} from ${path.join(app.dataDir, DATABASE_FILE)} ` +
        `(${rendered.orders} orders, data.js ${Math.round(rendered.dataBytes / 1024)} KB).`,
    );
  }
  let server: DashboardServer;
  try {
    server = await startDashboardServer({ dir, port, host: flags.host });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new ConfigError(`Port ${port} is in use: choose another one with --port.`);
    }
    throw error;
  }
  console.log(`Dashboard: ${server.url} (serving ${dir}) — press Ctrl-C to stop.`);
  const stop = () => {
    server.close().finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
