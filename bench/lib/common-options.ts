import { Option } from 'commander';
import { nonNegative, positiveInt } from './cli-args.js';

/** Players registered and funded before timing, unless a bench is told otherwise. */
const playersDefault = 10_000;
/** A fixed seed, so that two runs of a bench draw the same load. */
const seedDefault = 42;

/**
 * The options the benches share, defined once. Each bench gives its own words (and seconds) and
 * adds them where its --help reads best, with `.addOption(commonOptions.seconds(...))`.
 */
export const commonOptions = {
  seconds: (description: string, secondsDefault: number, parse: (text: string) => number = nonNegative): Option =>
    new Option('--seconds <n>', description).default(secondsDefault).argParser(parse),
  players: (description: string): Option => new Option('--players <n>', description).default(playersDefault).argParser(positiveInt),
  seed: (description: string): Option => new Option('--seed <n>', description).default(seedDefault).argParser(positiveInt),
  databaseUrl: (): Option => new Option('--database-url <url>', 'PostgreSQL').default(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'),
};
