// Drives the checked-in WebAssembly (crates/dashboard/assets/wasm/) in
// Node, as the page does: init with the .wasm's bytes, then the Verifier
// over a log on disk. Reads input.json from the work directory, writes
// output.json (every answer, parsed). Run by crates/web/tests/node.rs.
import fs from 'node:fs';
import path from 'node:path';
import url from 'node:url';

const [wasmDir, work] = process.argv.slice(2);
const mod = await import(url.pathToFileURL(path.join(wasmDir, 'accord_web.js')).href);
await mod.default({ module_or_path: fs.readFileSync(path.join(wasmDir, 'accord_web_bg.wasm')) });

const input = JSON.parse(fs.readFileSync(path.join(work, 'input.json'), 'utf8'));
const out = {};
const v = new mod.Verifier(input.agreement, input.pinned);
out.agreement = JSON.parse(v.agreement());
out.checkpoint = JSON.parse(v.checkpoint(input.checkpoint));
const size = out.checkpoint.size;
out.tiles = JSON.parse(v.tiles_for(size));
const tiles = new Map();
for (const p of out.tiles) {
  tiles.set(p, new Uint8Array(fs.readFileSync(path.join(input.log, p))));
}
let t = performance.now();
out.replay = JSON.parse(v.replay(input.checkpoint, tiles));
out.replay_ms = performance.now() - t;
out.entry = JSON.parse(v.entry(input.index, input.entry, input.proof));
out.compare = JSON.parse(v.compare_status(JSON.stringify(out.replay.status), input.served));
// A tile altered: the replay refuses.
const [first] = tiles.keys();
const bad = new Uint8Array(tiles.get(first));
bad[bad.length >> 1] ^= 1;
tiles.set(first, bad);
out.tampered = JSON.parse(v.replay(input.checkpoint, tiles));
// Misuse throws.
try {
  new mod.Verifier('not json', null);
  out.misuse = null;
} catch (e) {
  out.misuse = String(e.message);
}
try {
  v.entry(-1, input.entry, input.proof);
  out.bad_index = null;
} catch (e) {
  out.bad_index = String(e.message);
}
fs.writeFileSync(path.join(work, 'output.json'), JSON.stringify(out));
