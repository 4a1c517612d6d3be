/** Replaced by esbuild at build time with package.json's version ("dev" in scripts and tests). */
declare const __MYNAGUARD_VERSION__: string;
