#!/usr/bin/env node
// build-demo.mjs: bundles the demo host page's script (www/host.js) with webpack into target/demo/,
// which www/host.html loads from /target/demo/host.js. host.js imports `deskbridge` by its package
// name; it resolves to pkg/ through target/demo-modules/deskbridge, a link to pkg/ like the one
// `npm link` makes, so the bundle is built from pkg/package.json as an npm user's app is. The
// configuration has nothing for deskbridge: webpack 5's defaults handle its entry (top-level
// await, and the wasm as an asset through `new URL(…, import.meta.url)`).
//
//   node scripts/build-demo.mjs [--out DIR]      (make demo-build)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import webpack from 'webpack';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The webpack configuration of an app at `entry` importing 'deskbridge', bundled into `outDir`
 * and served at `publicPath`. */
export function webpackConfig({ entry, outDir, publicPath, modules = [] }) {
  return {
    mode: 'production',
    target: 'web',
    entry,
    output: { path: outDir, filename: 'host.js', publicPath, clean: true },
    resolve: { modules: [...modules, 'node_modules'] },
    performance: { hints: false },
    devtool: 'source-map',
  };
}

/** Run webpack; resolves with a one-line summary, rejects with webpack's errors. */
export function bundle(config) {
  return new Promise((resolve, reject) => {
    webpack(config, (err, stats) => {
      if (err) return reject(err);
      if (stats.hasErrors()) return reject(new Error(stats.toString({ all: false, errors: true })));
      const files = fs.readdirSync(config.output.path).filter((f) => !f.endsWith('.map'));
      const sizes = files.map((f) => `${f} (${Math.round(fs.statSync(path.join(config.output.path, f)).size / 1024)} KiB)`);
      resolve(`${sizes.join(', ')} in ${stats.endTime - stats.startTime} ms`);
    });
  });
}

async function main() {
  const args = process.argv.slice(2);
  const outDir = path.resolve(args[0] === '--out' ? args[1] : path.join(root, 'target/demo'));
  const pkg = path.join(root, 'pkg');
  if (!fs.existsSync(path.join(pkg, 'package.json'))) {
    console.error('build-demo: pkg/ is not built; run make pkg first');
    process.exit(1);
  }
  // The link lives beside the bundle, outside the directory webpack cleans.
  const modules = path.join(root, 'target/demo-modules');
  fs.mkdirSync(modules, { recursive: true });
  const link = path.join(modules, 'deskbridge');
  fs.rmSync(link, { force: true, recursive: true });
  fs.symlinkSync(pkg, link, 'dir');
  const summary = await bundle(webpackConfig({
    entry: path.join(root, 'www/host.js'),
    outDir,
    publicPath: `/${path.relative(root, outDir).split(path.sep).join('/')}/`,
    modules: [modules],
  }));
  console.log(`build-demo: ${path.relative(root, outDir)}/: ${summary}`);
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`build-demo: ${e.message}`);
    process.exit(1);
  });
}
