import { failure, success, type Result } from './result.js';

export const idLengthMax = 128;
const safeId = /^[A-Za-z0-9._:@-]+$/;

/** Ids are 1–128 characters of a safe charset, so they can appear in logs, URLs and keys. */
export function parseId(input: unknown, field: string): Result<string> {
  if (typeof input !== 'string') return failure('VALIDATION_ERROR', `${field} must be a string`);
  if (input.length === 0 || input.length > idLengthMax) {
    return failure('VALIDATION_ERROR', `${field} must be 1 to ${idLengthMax} characters`);
  }
  if (!safeId.test(input)) {
    return failure('VALIDATION_ERROR', `${field} may only contain letters, digits and . _ : @ -`);
  }
  return success(input);
}
