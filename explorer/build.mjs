// Builds the explorer page into ../service/static/explore (served by the service at /explore):
// the modules of src/ and their npm dependencies bundled into one app.js (esbuild), next to
// index.html and style.css.  No CDN: everything the page loads comes from this folder.
//
//   npm ci && npm run build
import { build } from 'esbuild';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, 'src');
const out = join(here, '..', 'service', 'static', 'explore');
const OUTPUTS = ['index.html', 'style.css', 'app.js', 'app.js.map', 'app.js.LEGAL.txt', 'build-info.json'];

await mkdir(out, { recursive: true });
await Promise.all(OUTPUTS.map((f) => rm(join(out, f), { force: true })));

const result = await build({
  entryPoints: [join(src, 'app.js')],
  outfile: join(out, 'app.js'),
  bundle: true,
  format: 'esm',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  minify: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
});
await copyFile(join(src, 'index.html'), join(out, 'index.html'));
await copyFile(join(src, 'style.css'), join(out, 'style.css'));

const pkg = JSON.parse(await readFile(join(here, 'package.json'), 'utf8'));
const versions = {};
for (const name of Object.keys(pkg.dependencies)) {
  versions[name] = JSON.parse(await readFile(join(here, 'node_modules', name, 'package.json'), 'utf8')).version;
}
const bytes = result.metafile.outputs[Object.keys(result.metafile.outputs).find((k) => k.endsWith('app.js'))].bytes;
await writeFile(join(out, 'build-info.json'), `${JSON.stringify({ name: pkg.name, version: pkg.version, dependencies: versions, appBytes: bytes }, null, 2)}\n`);
console.log(`explorer built into ${out} (app.js ${(bytes / 1024).toFixed(0)} KiB)`);
