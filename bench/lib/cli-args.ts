import { InvalidArgumentError } from 'commander';

/** Argument parsers shared by the benchmark commands (commander). */
export function positiveInt(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError('must be a positive integer');
  return value;
}

export function nonNegativeInt(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return value;
}

export function nonNegative(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new InvalidArgumentError('must be a non-negative number');
  return value;
}

/** A parser for a comma list of names drawn from `known`. */
export function namesFrom<Name extends string>(known: readonly Name[], what: string): (text: string) => Name[] {
  return (text) => {
    const names = text.split(',').map((name) => name.trim()).filter((name) => name !== '');
    for (const name of names) {
      if (!(known as readonly string[]).includes(name)) throw new InvalidArgumentError(`unknown ${what} "${name}" (known: ${known.join(', ')})`);
    }
    return names as Name[];
  };
}
