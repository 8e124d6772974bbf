// The browser's src/asm/icedPackage.ts. iced-x86's package compiles its WebAssembly synchronously from a file
// at load time; in the bundle that loader is replaced by an `__instantiate(module)` export
// (playground/buildPlugins.ts), and the wasm, fetched next to the worker, is compiled asynchronously first.
import * as icedPackage from 'iced-x86';
import { ICED_WASM_FILE } from '../icedWasmFile.js';

interface Instantiable {
  __instantiate(module: WebAssembly.Module): void;
}

const response = await fetch(new URL(ICED_WASM_FILE, import.meta.url));
if (!response.ok) throw new Error(`cannot fetch ${ICED_WASM_FILE}: HTTP ${response.status}`);
(icedPackage as unknown as Instantiable).__instantiate(await WebAssembly.compile(await response.arrayBuffer()));

export const iced: typeof import('iced-x86') = icedPackage;
