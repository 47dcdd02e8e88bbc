/**
 * For `tsc`, which cannot read .astro files: page tests import pages, and without this every such
 * import is an error. `astro check` resolves the real components and never falls back to this.
 */
declare module '*.astro' {
  const Component: import('astro/runtime/server/index.js').AstroComponentFactory;
  export default Component;
}
