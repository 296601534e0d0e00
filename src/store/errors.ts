import { UserError } from '../core/errors.js';

/** The store exists but cannot be reached (a PostgreSQL server down or refusing us): the scan is not recorded, exit 3. */
export class StoreUnavailableError extends UserError {
  /** Exit code 3, "incomplete" (spec/cli.md): the CLI prints one line and exits with it. */
  readonly exitCode = 3;
}

/** Removes the password from a connection URL before it is printed or stored. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}
