import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const STOP_GRACE_MS = 5_000;
const OUTPUT_TAIL_CHARS = 4_000;
const running = new Set();

/**
 * Starts `script` in a Node process of its own: what a scenario measures never shares an event loop
 * with the load generator. Its output goes to a temporary file, read back (the last few KB) only for
 * the error message if it fails to come up. A file, not a pipe to this process: writes to a pipe
 * are synchronous in Node on Linux, so an app that logs a line per request would stall whenever the
 * runner, busy generating load, is slow to drain the pipe; the benchmark would measure the runner.
 */
export function startNode(name, script, { env = {}, args = [], nodeArgs = [], cwd } = {}) {
  const logDir = mkdtempSync(join(tmpdir(), 'tessera-bench-log-'));
  const logPath = join(logDir, 'output.log');
  const logFd = openSync(logPath, 'a');
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    cwd,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  const output = () => {
    try {
      const text = readFileSync(logPath, 'utf8');
      return text.slice(-OUTPUT_TAIL_CHARS);
    } catch {
      return '';
    }
  };
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const handle = {
    name,
    pid: child.pid,
    exited,
    output,
    /** Resident memory now, in MiB (Linux /proc), or null where it cannot be read. */
    rssMiB() {
      try {
        const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        return match ? Number(match[1]) / 1024 : null;
      } catch {
        return null;
      }
    },
    async stop() {
      running.delete(handle);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
  running.add(handle);
  exited.then(() => {
    running.delete(handle);
    rmSync(logDir, { recursive: true, force: true });
  });
  return handle;
}

/** Polls `url` until it answers with `ok` (2xx), the process exits, or `timeoutMs` passes. */
export async function waitForHttp(handle, url, { timeoutMs = 60_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  handle.exited.then(() => { gone = true; });
  while (Date.now() < deadline) {
    if (gone) throw new Error(`${handle.name} exited before it answered on ${url}; its last output:\n${handle.output()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${handle.name} did not answer on ${url} within ${timeoutMs / 1000} s; its last output:\n${handle.output()}`);
}

/** Stops every process this runner started and has not stopped yet (on failure or Ctrl-C). */
export async function stopAll() {
  await Promise.allSettled([...running].map((handle) => handle.stop()));
}
