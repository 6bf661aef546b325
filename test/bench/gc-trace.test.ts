// Goal: bench:http --gc-trace reads V8's --trace-gc-nvp lines right, whatever the chunking of
// stdout, and keeps only the collections of the window asked for. Method: feed recorded lines
// (cut mid-line, mixed with log lines) and check each figure of the summary.
import { describe, expect, it } from 'vitest';
import { GcTrace } from '../../bench/lib/gc-trace.js';

const scavenge = (atMs: number, pause: number, promoted: number, weak: number): string =>
  `[5689:0x432abfb0]    ${atMs} ms: pause=${pause} mutator=866.9 gc=s reduce_memory=0 heap.external_weak_global_handles=${weak} ` +
  `scavenge=14.32 new_space_survived=${promoted * 2} promoted=${promoted} nodes_promoted=0 promotion_ratio=2.1%`;
const markCompact = (atMs: number, pause: number): string => `[5689:0x432abfb0]    ${atMs} ms: pause=${pause} mutator=100.0 gc=mc reduce_memory=0 promoted=0`;

describe('the service GC trace of bench:http', () => {
  it('summarises the scavenges and other collections that ended inside the window', () => {
    const trace = new GcTrace(1_000);
    const text = [
      '{"level":30,"msg":"Server listening at http://127.0.0.1:1234"}',
      scavenge(500, 9, 100, 0.5), // at 1,500: before the window
      scavenge(2_000, 10, 1_000_000, 1), // at 3,000
      markCompact(2_500, 30),
      scavenge(3_000, 20, 3_000_000, 3), // at 4,000
      scavenge(9_000, 99, 1, 1), // at 10,000: after the window
      '',
    ].join('\n');
    for (let at = 0; at < text.length; at += 37) trace.read(text.slice(at, at + 37));
    expect(trace.summary(2_000, 5_000)).toEqual({
      scavenges: 2,
      scavengePauseAvgMs: 15,
      scavengePauseMaxMs: 20,
      survivedAvgBytes: 4_000_000,
      promotedAvgBytes: 2_000_000,
      weakHandlesAvgMs: 2,
      others: 1,
      otherPauseMaxMs: 30,
    });
  });

  it('says so when the window had no collection', () => {
    const trace = new GcTrace(0);
    trace.read(`${scavenge(100, 5, 10, 0)}\n`);
    expect(trace.summary(1_000, 2_000)).toMatchObject({ scavenges: 0, scavengePauseAvgMs: null, others: 0, otherPauseMaxMs: null });
  });
});
