// Starts a real Warden on a fresh SQLite file and a free port: the binary `scripts/test.sh`
// builds (`cargo leptos build`, the debug build: behaviour is what these tests check, and it
// builds in a third of the release build's time), or the one named by WARDEN_BIN.
//
// With WARDEN_E2E_SERVERS=2, two Wardens share a fresh PostgreSQL database
// (WARDEN_TEST_POSTGRES_URL) behind a round-robin proxy, so that every request may land on
// either: sessions, throttling, tokens and decisions must hold across servers.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BINARY = process.env.WARDEN_BIN ?? 'target/debug/warden';
const SERVERS = Number(process.env.WARDEN_E2E_SERVERS ?? '1');
const POSTGRES = process.env.WARDEN_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const ADMIN_EMAIL = 'admin@e2e.example';
export const ADMIN_PASSWORD = 'e2e correct horse battery';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

// Starts one server and waits until it answers; giving up is an error, never a silent start.
async function startOne(env, port) {
  const child = spawn(BINARY, ['serve'], {
    env: { ...process.env, ...env, WARDEN_LISTEN_ADDR: `127.0.0.1:${port}`, RUST_LOG: process.env.WARDEN_E2E_LOG ?? 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const own = `http://127.0.0.1:${port}`;
  let healthy = false;
  for (let attempt = 0; attempt < 200 && !healthy; attempt++) {
    if (child.exitCode !== null) throw new Error(`warden exited with ${child.exitCode}`);
    try {
      healthy = (await fetch(`${own}/healthz`)).ok;
    } catch { /* not listening yet */ }
    if (!healthy) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!healthy) {
    child.kill('SIGTERM');
    throw new Error(`warden did not answer ${own}/healthz within 20 seconds`);
  }
  return child;
}

// Sends each request to the next server in turn.
function roundRobin(port, targets) {
  let next = 0;
  const agent = new http.Agent({ keepAlive: true });
  const proxy = http.createServer((request, response) => {
    const target = targets[next++ % targets.length];
    const forwarded = http.request(
      { host: '127.0.0.1', port: target, path: request.url, method: request.method, headers: request.headers, agent },
      (answer) => {
        response.writeHead(answer.statusCode, answer.rawHeaders);
        answer.pipe(response);
      },
    );
    forwarded.on('error', () => { response.writeHead(502); response.end(); });
    request.pipe(forwarded);
  });
  // Closing lets the servers stop at once (they wait for open connections to finish).
  proxy.shutdown = () => new Promise((resolve) => {
    agent.destroy();
    proxy.closeAllConnections();
    proxy.close(resolve);
  });
  return new Promise((resolve) => proxy.listen(port, '127.0.0.1', () => resolve(proxy)));
}

export async function startWarden() {
  const port = await freePort();
  const folder = mkdtempSync(join(tmpdir(), 'warden-e2e-'));
  const baseUrl = `http://127.0.0.1:${port}`;
  const database = SERVERS > 1 ? `warden_e2e_${process.pid}_${Date.now()}` : null;
  const databaseUrl = database
    ? `${POSTGRES.slice(0, POSTGRES.lastIndexOf('/'))}/${database}`
    : `sqlite://${folder}/warden.db?mode=rwc`;
  if (database) execFileSync('psql', [POSTGRES, '-qc', `CREATE DATABASE ${database}`]);
  const env = {
    DATABASE_URL: databaseUrl,
    WARDEN_PUBLIC_URL: baseUrl,
    WARDEN_ADMIN_EMAIL: ADMIN_EMAIL,
    WARDEN_ADMIN_PASSWORD: ADMIN_PASSWORD,
    // Every server seals and opens SSO client secrets with the same key.
    WARDEN_SECRET_KEY: randomBytes(32).toString('base64'),
  };
  const children = [];
  let proxy = null;
  if (SERVERS > 1) {
    const ports = [];
    // One after the other: the first creates the first admin, the others find it.
    for (let n = 0; n < SERVERS; n++) {
      ports.push(await freePort());
      children.push(await startOne(env, ports[n]));
    }
    proxy = await roundRobin(port, ports);
  } else {
    children.push(await startOne(env, port));
  }
  return {
    baseUrl,
    // Adds an account with the CLI (it starts as a Super Admin of the root).
    createAdmin(email, fullName, password) {
      execFileSync(BINARY, ['create-admin', '--email', email, '--full-name', fullName], {
        env: { ...process.env, DATABASE_URL: databaseUrl, WARDEN_ADMIN_PASSWORD: password, RUST_LOG: process.env.WARDEN_E2E_LOG ?? 'warn' },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
    },
    async stop() {
      if (proxy) await proxy.shutdown();
      await Promise.all(children.map((child) => {
        child.kill('SIGTERM');
        return new Promise((resolve) => child.once('exit', resolve));
      }));
      if (database) execFileSync('psql', [POSTGRES, '-qc', `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`]);
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
