/**
 * Which balance a bet takes first: the bonus (`bonus_first`, this system's default) or cash
 * (`cash_first`, what most operators use). A campaign may set its own while its bonus is active.
 */
export type FundsOrder = 'bonus_first' | 'cash_first';
