// The pipeline over rule files on the disk (buildFrom.ts does the work).
import { diskRuleFiles, type ReadText } from '../model/load.js';
import { buildTablesFrom, type BuildResult, type RuleSetCheck } from './buildFrom.js';

export { buildTablesFrom, type BuildResult, type RuleSetCheck } from './buildFrom.js';

/** `arches` undefined: every architecture the rule set has rules for. */
export function buildTables(path: string, arches?: (available: string[]) => string[], read?: ReadText, checks: readonly RuleSetCheck[] = []): BuildResult {
  return buildTablesFrom(path, diskRuleFiles(read), arches, checks);
}
