// Rule files are bundled as text (playground/build.ts: loader '.rules' → 'text').
declare module '*.rules' {
  const text: string;
  export default text;
}
