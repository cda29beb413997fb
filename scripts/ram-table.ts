// Prints the EAS RAM action/ARN table for docs/ram.md: `node --import tsx scripts/ram-table.ts`.
import { easAuthorizationMarkdown } from '../src/ram/eas-actions.ts';

process.stdout.write(await easAuthorizationMarkdown());
