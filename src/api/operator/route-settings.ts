import { ErrorBody } from '../schemas.js';

/** Operator transactions share one idempotency scope. */
export const operatorSource = 'operator';

/** Every operator route answers refusals with the one error body. */
export const errors = { '4xx': ErrorBody, '5xx': ErrorBody };

/** Every operator route takes a bearer operator key (the OpenAPI security scheme `operatorKey`). */
export const security = [{ operatorKey: [] }];
