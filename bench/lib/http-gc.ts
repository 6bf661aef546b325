import type { GcSummary, GcTrace } from './gc-trace.js';
import type { PhaseResult } from './http-phase.js';
import { round } from './stats.js';

/** The service's collections in a phase against it (null without --gc-trace). */
export function gcOf(serviceGc: GcTrace | null, result: PhaseResult): GcSummary | null {
  if (serviceGc === null || result.window === null || !result.name.startsWith('http.bet.postgres')) return null;
  return serviceGc.summary(result.window.from, result.window.to);
}

/** The gc_* fields of a phase's JSON line (none without --gc-trace). */
export function gcFields(gc: GcSummary | null): Record<string, number | null> {
  if (gc === null) return {};
  const rounded = (value: number | null, digits: number): number | null => (value === null ? null : round(value, digits));
  return {
    gc_scavenges: gc.scavenges,
    gc_pause_avg_ms: rounded(gc.scavengePauseAvgMs, 1),
    gc_pause_max_ms: rounded(gc.scavengePauseMaxMs, 1),
    gc_promoted_mb: rounded(megabytes(gc.promotedAvgBytes), 2),
    gc_weak_handles_ms: rounded(gc.weakHandlesAvgMs, 1),
    gc_others: gc.others,
  };
}

export function megabytes(bytes: number | null): number | null {
  return bytes === null ? null : bytes / 1e6;
}
