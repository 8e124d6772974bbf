// Loads iced-x86 in Node. It is loaded with require: an ESM import of a CommonJS file makes Node scan its
// 900 KB of source for export names first, which costs about 100 ms of every CLI start. The playground's
// bundle replaces this module (playground/buildPlugins.ts): a browser must compile the wasm asynchronously.
import { createRequire } from 'node:module';
import type * as IcedModule from 'iced-x86';

export const iced = createRequire(import.meta.url)('iced-x86') as typeof IcedModule;
