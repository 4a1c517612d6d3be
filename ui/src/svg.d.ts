/** esbuild loads .svg files as text (scripts/build.mjs `loader: { ".svg": "text" }`). */
declare module "*.svg" {
  const markup: string;
  export default markup;
}
