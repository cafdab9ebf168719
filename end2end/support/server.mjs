// Starts a real Warden on a fresh SQLite file and a free port: the binary `scripts/test.sh`
// builds (`cargo leptos build`, the debug build: behaviour is what these tests check, and it
// builds in a third of the release build's time), or the one named by WARDEN_BIN.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BINARY = process.env.WARDEN_BIN ?? 'target/debug/warden';

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

export async function startWarden() {
  const port = await freePort();
  const folder = mkdtempSync(join(tmpdir(), 'warden-e2e-'));
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(BINARY, ['serve'], {
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${folder}/warden.db?mode=rwc`,
      WARDEN_LISTEN_ADDR: `127.0.0.1:${port}`,
      WARDEN_PUBLIC_URL: baseUrl,
      WARDEN_ADMIN_EMAIL: ADMIN_EMAIL,
      WARDEN_ADMIN_PASSWORD: ADMIN_PASSWORD,
      RUST_LOG: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  // Up to 20 seconds for it to answer; giving up is an error, never a silent start.
  let healthy = false;
  for (let attempt = 0; attempt < 200 && !healthy; attempt++) {
    if (child.exitCode !== null) throw new Error(`warden exited with ${child.exitCode}`);
    try {
      healthy = (await fetch(`${baseUrl}/healthz`)).ok;
    } catch { /* not listening yet */ }
    if (!healthy) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!healthy) {
    child.kill('SIGTERM');
    throw new Error(`warden did not answer ${baseUrl}/healthz within 20 seconds`);
  }
  return {
    baseUrl,
    // Adds an account with the CLI (it starts as a Super Admin of the root).
    createAdmin(email, fullName, password) {
      execFileSync(BINARY, ['create-admin', '--email', email, '--full-name', fullName], {
        env: { ...process.env, DATABASE_URL: `sqlite://${folder}/warden.db?mode=rwc`, WARDEN_ADMIN_PASSWORD: password, RUST_LOG: 'warn' },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
