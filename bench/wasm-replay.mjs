// The dashboard's replay outside the browser: the checked-in WebAssembly
// (crates/dashboard/assets/wasm/) run by Node as the page runs it, over a
// log on disk. Prints one JSON line: entries, the time to compile the
// module, to rebuild and check the agreement and verify the checkpoint,
// and to replay (tiles verified, entries checked, the evaluator run), in
// milliseconds. Used by bench/wasm.sh.
//
//   node bench/wasm-replay.mjs LOG_DIR AGREEMENT_CANONICAL_JSON_FILE
import fs from 'node:fs';
import path from 'node:path';
import url from 'node:url';

const [log, agreementFile] = process.argv.slice(2);
if (!log || !agreementFile) {
  process.stderr.write('usage: node bench/wasm-replay.mjs LOG_DIR AGREEMENT_CANONICAL_JSON_FILE\n');
  process.exit(2);
}
const here = path.dirname(url.fileURLToPath(import.meta.url));
const wasm = path.join(here, '../crates/dashboard/assets/wasm');
const t0 = performance.now();
const mod = await import(url.pathToFileURL(path.join(wasm, 'accord_web.js')).href);
await mod.default({ module_or_path: fs.readFileSync(path.join(wasm, 'accord_web_bg.wasm')) });
const t1 = performance.now();
// `accord check --canonical` ends the text with a newline, which is not
// part of it.
const v = new mod.Verifier(fs.readFileSync(agreementFile, 'utf8').replace(/\n$/, ''), null);
const checkpoint = fs.readFileSync(path.join(log, 'checkpoint'), 'utf8');
const cp = JSON.parse(v.checkpoint(checkpoint));
const t2 = performance.now();
const tiles = new Map();
for (const p of JSON.parse(v.tiles_for(cp.size))) tiles.set(p, new Uint8Array(fs.readFileSync(path.join(log, p))));
const t3 = performance.now();
const r = JSON.parse(v.replay(checkpoint, tiles));
const t4 = performance.now();
if (!r.ok) {
  process.stderr.write(`the replay failed: ${JSON.stringify(r.problems)} ${JSON.stringify(r.findings)}\n`);
  process.exit(1);
}
process.stdout.write(JSON.stringify({
  entries: cp.size,
  tiles: tiles.size,
  compile_ms: Math.round(t1 - t0),
  verifier_ms: Math.round(t2 - t1),
  replay_ms: Math.round(t4 - t3),
  status_sha256: (await import('node:crypto')).createHash('sha256').update(JSON.stringify(r.status)).digest('hex'),
}) + '\n');
