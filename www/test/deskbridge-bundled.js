// Stands in for `import … from 'deskbridge'` through a bundler, for pages without one: the
// bundler build instantiates the wasm module when it is imported, so this does the same with
// the web build before re-exporting it. readme-example.html maps the bare name here.
import init from '/pkg/web/deskbridge.js';

await init();

export * from '/pkg/web/deskbridge.js';
