// ISO 8601 durations as Key Vault rotation policies write them ('P90D', 'P1Y', 'P13M'), in days. A year counts
// 365 days and a month a twelfth of that, so P12M equals P1Y (the "P1Y (365 days)" limit of rules.yaml PHI-KV-004).
const DURATION =
  /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

const UNIT_DAYS = [365, 365 / 12, 7, 1, 1 / 24, 1 / 1440, 1 / 86400];

export function durationDays(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match || match.slice(1).every((part) => part === undefined) || /T$/i.test(text.trim())) return undefined;
  return match.slice(1).reduce((days, part, i) => days + (part === undefined ? 0 : Number(part) * UNIT_DAYS[i]), 0);
}

/** Whole days for messages (P13M is 395 days). */
export function formatDays(days: number): string {
  return `${Math.round(days)} days`;
}
