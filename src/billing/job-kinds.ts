// Names of billing's durable jobs (engine/scheduler.ts). Subjects: an account (settle, overdue)
// or a machine (term, release); removing a machine drops its pending jobs with it.
/** Hourly pay-as-you-go settlement of one account; due on hour boundaries, re-enqueues itself. */
export const SETTLE_JOB = 'billing.settle';
/** The balance stayed negative long enough: stop the account's pay-as-you-go machines. */
export const OVERDUE_JOB = 'billing.overdue';
/** A subscription machine's next term event: auto-renewal attempt, or expiry. */
export const TERM_JOB = 'billing.term';
/** A machine stopped by expiry or overdue payment is released when its grace period ends. */
export const RELEASE_STOPPED_JOB = 'billing.release';
