/**
 * Runs `task` every `intervalMs` in the background without keeping the process alive; a failed
 * run is left for the next one. Returns the function that stops it.
 */
export function repeat(intervalMs: number, task: () => Promise<unknown>, onError: (error: unknown) => void = () => undefined): () => void {
  if (intervalMs <= 0) return () => undefined;
  const timer = setInterval(() => void task().catch(onError), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
