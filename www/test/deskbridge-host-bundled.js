// `import … from 'deskbridge/host'` through a bundler, for pages without one: as
// deskbridge-bundled.js does for 'deskbridge', with the host-only web build.
import init from '/pkg/web/host.js';

await init();

export * from '/pkg/web/host.js';
