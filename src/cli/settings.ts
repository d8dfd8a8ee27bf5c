// Settings that come from outside the command line (PGSTRATA_* variables, the config file) and
// that no option of the command takes. yargs' strict mode rejects them as "Unknown argument:
// bogus", which does not say where "bogus" came from; these messages name the variable or the
// file's key, and what is accepted instead.

/** What yargs' getOptions() tells about a command's options. */
export interface OptionsShape {
  key: Record<string, unknown>;
  alias: Record<string, string[]>;
  hiddenOptions: string[];
}

export interface ConfigSource {
  file: string;
  keys: string[];
}

const kebab = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
const camel = (s: string) => s.replace(/[-_]+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
// yargs' own, and what a config file may say besides options.
const NOT_SETTINGS = new Set(['help', 'version', 'config', '$0', '_']);

/**
 * Every name the command takes (options, aliases, positionals), and the options to list: all of
 * them, also those hidden from the command's --help because it ignores them (a shared config
 * file may still set them), except the hidden ones in `unlisted` (internal, or another command's).
 */
function known(shape: OptionsShape, unlisted: readonly string[]): { has: (name: string) => boolean; listed: string[] } {
  const names = new Set<string>();
  for (const [k, aliases] of [...Object.keys(shape.key).map((k): [string, string[]] => [k, []]), ...Object.entries(shape.alias)]) {
    for (const n of [k, ...aliases]) names.add(kebab(n)).add(camel(n));
  }
  const listed = Object.keys(shape.key).filter((k) => k.length > 1 && !NOT_SETTINGS.has(k) && !(shape.hiddenOptions.includes(k) && unlisted.includes(k)) && !(k in shape.alias && shape.alias[k]!.length === 0));
  return { has: (n) => names.has(kebab(n)) || names.has(camel(n)), listed };
}

/** A PGSTRATA… variable no option takes, and the parsed keys yargs made of it (to drop). */
export interface StrayVariable {
  /** Empty for a variable that does not look like a setting (PGSTRATA, PGSTRATAX): ignored silently. */
  message: string;
  keys: string[];
}

/**
 * Settings no option of the command takes. yargs' env('PGSTRATA') reads every variable whose name
 * starts with PGSTRATA; the rest of the name, cut at `__` (nesting), becomes a key. Those are
 * returned for the CLI to warn about and drop (the environment is shared with other programs, and
 * a leftover variable must not stop a deploy); a stray key of the config file, pgstrata's own, is
 * a message for a usage error.
 */
export function straySettings(command: string, shape: OptionsShape, env: NodeJS.ProcessEnv, config?: ConfigSource, unlisted: readonly string[] = []): { variables: StrayVariable[]; configKeys: string[] } {
  const { has, listed } = known(shape, unlisted);
  const what = command ? `\`pgstrata ${command}\`` : 'pgstrata';
  const variables: StrayVariable[] = [];
  for (const variable of Object.keys(env).sort()) {
    if (!variable.startsWith('PGSTRATA')) continue;
    const first = variable.slice('PGSTRATA'.length).split('__')[0]!.replace(/^_+/, '').toLowerCase();
    const option = first.replace(/_/g, '-');
    if (first !== '' && has(option)) continue;
    const message = variable.startsWith('PGSTRATA_') && first !== ''
      ? `${variable} is not a setting of ${what} (it has no option --${option}); ignored. ` +
        `PGSTRATA_<OPTION> variables name an option in capitals with _ for -: ${listed.map((o) => `PGSTRATA_${o.toUpperCase().replace(/-/g, '_')}`).join(', ')}.`
      : '';
    variables.push({ message, keys: [...new Set([first, option, camel(first)])] });
  }
  const configKeys: string[] = [];
  for (const key of config?.keys ?? []) {
    if (key === 'extends' || has(key)) continue;
    configKeys.push(`unknown key "${key}" in ${config!.file}: ${what} has no option --${kebab(key)}. Its keys are option names: ${listed.join(', ')}. Remove the key, or fix its name.`);
  }
  return { variables, configKeys };
}
