// Pins processes (all their threads) to CPUs with taskset (util-linux), for benches that model
// "this server has a core of its own". Linux only; `canPin()` says whether it works here.
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

export function canPin() {
  if (availableParallelism() < 2) return false;
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Restricts each pid to `cpus` (a taskset list such as "0" or "1-3"). */
export function pin(pids, cpus) {
  for (const pid of pids) execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}

/** Lets the pids run on every CPU again. */
export function unpin(pids) {
  pin(pids, `0-${availableParallelism() - 1}`);
}
