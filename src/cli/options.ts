// The command line's flags and help, derived from the settings table (settings.ts): each flag names
// its OPENEAS_* variable and its default, and `serve --help` also lists the variables without a flag.
import type { Command } from 'commander';
import { SETTINGS, type Setting, type SettingField } from '../settings.ts';
import { describeType } from '../config.ts';

function defaultText(s: Setting): string | undefined {
  if (s.defaultText !== undefined) return s.defaultText;
  if (s.default === undefined || typeof s.default === 'function') return undefined;
  if (Array.isArray(s.default)) return s.default.length > 0 ? s.default.join(',') : undefined;
  return String(s.default);
}

/** `<help> [env OPENEAS_X, default y]`; without a flag, also what the variable accepts. */
function describe(s: Setting): string {
  const notes = s.flag ? [`env ${s.env}`] : [];
  const shown = defaultText(s);
  if (shown !== undefined) notes.push(`default ${shown}`);
  if (!s.flag && s.type.kind !== 'string' && s.type.kind !== 'list') notes.push(describeType(s.type));
  return notes.length > 0 ? `${s.help} [${notes.join(', ')}]` : s.help;
}

/** Adds the flags of these settings (all that have one when `fields` is absent) to a command. */
export function settingFlags(command: Command, fields?: readonly SettingField[]): Command {
  for (const s of SETTINGS) {
    if (!s.flag || (fields && !fields.includes(s.field))) continue;
    const arg = s.type.kind === 'boolean' ? '' : ` <${s.type.kind === 'enum' ? s.type.values.join('|') : (s.arg ?? 'value')}>`;
    command.option(`--${s.flag}${arg}`, describe(s));
  }
  return command;
}

/** The variables that have no flag, one per line, for the end of `serve --help`. */
export function environmentHelp(): string {
  const rows = SETTINGS.filter((s) => s.env && !s.flag);
  const width = Math.max(...rows.map((s) => s.env!.length));
  return (
    '\nAlso read from the environment (flags win over variables):\n' +
    rows.map((s) => `  ${s.env!.padEnd(width)}  ${describe(s)}`).join('\n') +
    '\n'
  );
}
