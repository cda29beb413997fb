// The version openeas reports (`--version`, the banner, /_openeas/health, the home page): package.json's.
import fs from 'node:fs';

export const VERSION: string = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
