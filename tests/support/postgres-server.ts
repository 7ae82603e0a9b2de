/**
 * A throwaway, real PostgreSQL server for the test run: initdb into a fresh temp dir, start it
 * with pg_ctl on a free loopback port, stop it (immediate) and delete the dir at the end.
 * When the tests run as root, the server runs as the `postgres` OS user (PostgreSQL refuses root).
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface PostgresServer {
  host: string;
  port: number;
  user: string;
  database: string;
  /** Unix socket directory (also the data dir's parent). */
  socketDir: string;
  /** Stop the server (pg_ctl stop -m immediate) and remove its files. */
  stop(): Promise<void>;
}

/** Directory holding initdb and pg_ctl: PATH first, then the highest /usr/lib/postgresql/<v>/bin. */
export function findPostgresBin(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'pg_ctl')) && existsSync(join(dir, 'initdb'))) return dir;
  }
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')) && existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  return versions.length ? join(root, versions[0]!, 'bin') : undefined;
}

/** A port nobody listens on right now (bind port 0 on loopback, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function run(cmd: string, args: string[], asPostgres: boolean, cwd: string): Promise<string> {
  const [file, argv] = asPostgres
    ? existsSync('/usr/sbin/runuser') || existsSync('/sbin/runuser') || existsSync('/usr/bin/runuser')
      ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]]
      : ['su', ['postgres', '-s', '/bin/sh', '-c', [cmd, ...args].map(shellQuote).join(' ')]]
    : [cmd, args];
  return new Promise((resolve, reject) => {
    execFile(file, argv as string[], { cwd, timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function logTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '';
  }
}

/** Start a fresh server; throws with the server log's tail when it cannot start. */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('PostgreSQL binaries (initdb, pg_ctl) not found on PATH nor under /usr/lib/postgresql/*/bin');
  const asPostgres = typeof process.getuid === 'function' && process.getuid() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'strata-pg-'));
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  if (asPostgres) chownPostgres(dir);
  const pgCtl = join(bin, 'pg_ctl');
  try {
    await run(join(bin, 'initdb'), ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-locale', '--no-sync'], asPostgres, dir);
    let port = 0;
    // The port could be taken between probing and binding: try a few times.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
      try {
        await run(pgCtl, ['-D', dataDir, '-l', logFile, '-o', opts, '-w', '-t', '60', 'start'], asPostgres, dir);
        break;
      } catch (err) {
        if (attempt >= 3) throw new Error(`${(err as Error).message}\n${logTail(logFile)}`);
      }
    }
    return {
      host: '127.0.0.1',
      port,
      user: 'postgres',
      database: 'postgres',
      socketDir: dir,
      stop: async () => {
        await run(pgCtl, ['-D', dataDir, '-m', 'immediate', 'stop'], asPostgres, dir).catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

function chownPostgres(dir: string): void {
  const passwd = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  if (!passwd) throw new Error('running as root but there is no `postgres` OS user to run the server as');
  const [, , uid, gid] = passwd.split(':');
  chownSync(dir, Number(uid), Number(gid));
}
