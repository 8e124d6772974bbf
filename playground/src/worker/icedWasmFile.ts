/** The name the build gives iced-x86's wasm in the output folder, next to worker.js, which fetches it. */
export const ICED_WASM_FILE = 'iced_x86_bg.wasm';
