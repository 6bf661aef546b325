import { assert } from './result.js';

/**
 * Maps a player to one of `partitionCount` partitions with 32-bit FNV-1a over the id's UTF-16
 * code units: stable across processes and versions, so every node routes a player alike.
 */
export function partitionOf(playerId: string, partitionCount: number): number {
  assert(Number.isInteger(partitionCount) && partitionCount > 0, 'partition count is a positive integer');
  let hash = 0x811c9dc5;
  for (let index = 0; index < playerId.length; index += 1) {
    hash ^= playerId.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitionCount;
}
