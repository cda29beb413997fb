// The console's own refusals (src/console/, docs/console.md). API calls made for a session answer
// with the gateway's codes unchanged; these are only about the browser's session itself.
import { registerErrors } from '../gateway/errors.ts';

export const CONSOLE_ERRORS = registerErrors({
  'ConsoleSession.Required': { status: 401, message: 'Sign in to the console first: there is no session, or it has expired.' },
  'ConsoleSession.CsrfMismatch': {
    status: 403,
    message: 'The request does not carry the session\'s CSRF token in the "x-openeas-csrf" header; reload the console.',
  },
  'ConsoleSession.ForeignOrigin': { status: 403, message: 'The request was sent by a web page of another origin.' },
  'ConsoleSession.NotLoopback': {
    status: 403,
    message: 'Signing in as the local root needs a browser on this machine (loopback address and Host): {reason}',
  },
  'ConsoleSession.NoRootKey': { status: 409, message: 'The root account has no active AccessKey to act with.' },
  'ConsoleCall.UnknownProduct': { status: 400, message: 'Product must be eas, ram, sts, bss or actiontrail, not "{product}".' },
  'ConsoleCall.UnknownAction': { status: 400, message: 'openeas has no action {action} in product {product}.' },
});

declare module '../gateway/errors.ts' {
  interface ErrorCodes {
    console: keyof typeof CONSOLE_ERRORS;
  }
}
