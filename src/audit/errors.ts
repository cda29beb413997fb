// ActionTrail (2020-07-06) error codes LookupEvents answers with: the product's own error list
// (actiontrail-2020-07-06 metadata). Which condition raises which code is read from the messages;
// docs/audit-trail.md lists the choices. All 400; a RAM denial is NoPermission (403, ram/authorizer.ts).
import { registerErrors } from '../gateway/errors.ts';

const UTC_TIME = 'It must be a UTC time like 2020-10-08T11:00:00Z.';

export const AUDIT_ERRORS = registerErrors({
  InvalidParameterStartTime: { status: 400, message: `The specified StartTime is invalid. ${UTC_TIME}` },
  InvalidParameterEndTime: { status: 400, message: `The specified EndTime is invalid. ${UTC_TIME}` },
  InvalidParameterCombination: { status: 400, message: 'The end time must be later than the start time.' },
  InvalidParameterDateOutOfRange: { status: 400, message: 'Query time range exceeds 30 days.' },
  InvalidParameterStartTimeExceedsCurrent: {
    status: 400,
    message: 'The StartTime exceeds the current time. Use GMT time format for queries.',
  },
  InvalidParameterStartTimeOutOfDate: { status: 400, message: 'The StartTime exceeds the limit of {days} days.' },
  InvalidLookupAttributesException: {
    status: 400,
    message: 'LookupAttribute Key is not valid. Only support specific values or combinations. {reason}',
  },
  InvalidNextToken: { status: 400, message: 'NextToken is not valid.' },
  LookupEventsParameterError: { status: 400, message: 'LookupEvents params error. {reason}' },
  InvalidParameterValue: { status: 400, message: 'The specified parameter is invalid. {name}: {reason}' },
});

declare module '../gateway/errors.ts' {
  interface ErrorCodes {
    audit: keyof typeof AUDIT_ERRORS;
  }
}
