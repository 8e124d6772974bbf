// The browser's src/syntax/chevrotain.ts. The Node module picks the package's one-file build to start fast;
// in a bundle the package is flattened anyway, so its ordinary entry is the one to take.
import * as chevrotainPackage from 'chevrotain';

export const chevrotain: typeof import('chevrotain') = chevrotainPackage;
