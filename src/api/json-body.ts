/**
 * What JSON.parse lets through and a wallet must not: a duplicated key (JSON.parse keeps the
 * last one, another reader may keep the first, so two parties see two different transactions)
 * and a number JSON.parse rounds (`0.99999999999999999` is 1, `9007199254740993` is
 * 9007199254740992). Both APIs refuse a body with either (docs/architecture.md §5).
 *
 * Every number either API takes is an integer (amounts in minor units, percents, seconds), so
 * the rule is the same for each of them: a JSON number is written as an integer, without
 * fraction or exponent, of at most 2^53 - 1 in magnitude. Larger amounts are sent as strings
 * of digits. lossless-json was considered: it accepts a key repeated with an equal value and
 * parses in JavaScript; this check runs after V8's JSON.parse has accepted the text, in one
 * pass over it with a Set of keys per object.
 */

/** The largest integer a JSON number may carry here: beyond it JSON.parse rounds. */
export const jsonIntegerMax = Number.MAX_SAFE_INTEGER;
const jsonIntegerMaxText = String(jsonIntegerMax);

/** Longest piece of the body a refusal quotes. */
const quotedLengthMax = 40;

const quote = 0x22;
const backslash = 0x5c;
const openBrace = 0x7b;
const closeBrace = 0x7d;
const openBracket = 0x5b;
const closeBracket = 0x5d;
const comma = 0x2c;
const minus = 0x2d;
const digitZero = 0x30;
const digitNine = 0x39;

/**
 * Why `text`, which JSON.parse accepted, is refused, or null when it is not. O(length):
 * strings are skipped in one pass and each key costs a Set look-up in its own object.
 */
export function jsonBodyProblem(text: string): string | null {
  // The keys seen in each open object; null for an open array.
  const scopes: (Set<string> | null)[] = [];
  let expectingKey = false;
  let lastKey: string | null = null;
  let index = 0;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code === quote) {
      const end = stringEnd(text, index);
      if (expectingKey) {
        const key = keyOf(text, index, end);
        const keys = scopes[scopes.length - 1];
        if (keys?.has(key) === true) return `the key "${quoted(key)}" appears twice in one object; send each key once`;
        if (key === '__proto__') return 'the key "__proto__" is not accepted';
        keys?.add(key);
        lastKey = key;
        expectingKey = false;
      }
      index = end + 1;
    } else if (code === minus || (code >= digitZero && code <= digitNine)) {
      const end = numberEnd(text, index);
      const problem = numberProblem(text.slice(index, end), lastKey);
      if (problem !== null) return problem;
      index = end;
    } else {
      if (code === openBrace) {
        scopes.push(new Set());
        expectingKey = true;
      } else if (code === openBracket) {
        scopes.push(null);
      } else if (code === closeBrace || code === closeBracket) {
        scopes.pop();
      } else if (code === comma) {
        expectingKey = scopes[scopes.length - 1] instanceof Set;
      }
      index += 1;
    }
  }
  return null;
}

/** The index of the quote that closes the string opening at `start` (the text is valid JSON). */
function stringEnd(text: string, start: number): number {
  let index = start + 1;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code === quote) return index;
    index += code === backslash ? 2 : 1;
  }
  return text.length;
}

/** The key as JSON.parse reads it: `"am\u006funt"` is `amount`. */
function keyOf(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end);
  return raw.includes('\\') ? (JSON.parse(text.slice(start, end + 1)) as string) : raw;
}

function numberEnd(text: string, start: number): number {
  let index = start + 1;
  while (index < text.length && isNumberCharacter(text.charCodeAt(index))) index += 1;
  return index;
}

/** Digits, sign, point and exponent: the characters a JSON number is written with. */
function isNumberCharacter(code: number): boolean {
  return (code >= digitZero && code <= digitNine) || code === 0x2e || code === 0x65 || code === 0x45 || code === 0x2b || code === minus;
}

function numberProblem(token: string, key: string | null): string | null {
  const digits = token.charCodeAt(0) === minus ? token.slice(1) : token;
  const integer = /^(0|[1-9][0-9]*)$/.test(digits);
  const exact = integer && (digits.length < jsonIntegerMaxText.length || (digits.length === jsonIntegerMaxText.length && digits <= jsonIntegerMaxText));
  if (exact) return null;
  const where = key === null ? 'a JSON number' : `the JSON number of "${quoted(key)}"`;
  const why = integer ? `is beyond ${jsonIntegerMaxText} (2^53 - 1)` : 'is not written as an integer';
  return `${where}, ${quoted(token)}, ${why}: numbers are exact integers; send amounts as strings of digits in minor units`;
}

function quoted(text: string): string {
  return text.length <= quotedLengthMax ? text : `${text.slice(0, quotedLengthMax)}…`;
}
