import { machineTicks } from './http-cpu.js';

/** Below this share of busy CPU the machine counts as idle. */
const idleBusyMax = 0.25;

/**
 * Waits until the machine was less than 25% busy over one second (other users of a shared machine
 * skew every figure), for at most `waitSeconds`; says how busy it was.
 */
export async function waitForIdle(what: string, waitSeconds: number, out: (line: string) => void): Promise<void> {
  const deadline = Date.now() + waitSeconds * 1000;
  if (waitSeconds === 0) return;
  let busy = await busyShare();
  while (busy >= idleBusyMax && Date.now() < deadline) busy = await busyShare();
  if (busy >= idleBusyMax) out(`  warning: the machine is still ${(busy * 100).toFixed(0)}% busy before ${what}; measuring anyway (see the "other" column)`);
}

/** The machine's busy share over the next second (0 without /proc). */
async function busyShare(): Promise<number> {
  const before = machineTicks();
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const after = machineTicks();
  return before === null || after === null || after.total === before.total ? 0 : (after.busy - before.busy) / (after.total - before.total);
}
