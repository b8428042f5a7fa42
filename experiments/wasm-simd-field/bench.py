#!/usr/bin/env python3
"""Builds the experiment and times it in headless Chromium.

    python3 experiments/wasm-simd-field/bench.py

Prints three rounds of: milliseconds for 4,000,000 multiplications each
way (two chains of 2,000,000, and four of 1,000,000), the digests (equal
per width) and the speed of SIMD relative to scalar (above 1: SIMD faster).
"""
import base64, os, subprocess, tempfile

here = os.path.dirname(os.path.abspath(__file__))
env = dict(os.environ, RUSTFLAGS="-C target-feature=+simd128")
subprocess.run(["cargo", "build", "--release", "--target", "wasm32-unknown-unknown"], cwd=here, env=env, check=True)
wasm = os.path.join(here, "target/wasm32-unknown-unknown/release/wasm_simd_field.wasm")
b64 = base64.b64encode(open(wasm, "rb").read()).decode()
js = """
const bytes = Uint8Array.from(atob('%s'), (c) => c.charCodeAt(0));
const e = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports;
let s = '';
e.scalar(200000); e.simd(200000); e.scalar4(100000); e.simd4(100000);
const time = (f, n) => { const t = performance.now(); const r = f(n); return [performance.now() - t, r]; };
for (let r = 0; r < 3; r++) {
  const [ts, a] = time(e.scalar, 2000000); const [tv, b] = time(e.simd, 2000000);
  const [ts4, a4] = time(e.scalar4, 1000000); const [tv4, b4] = time(e.simd4, 1000000);
  s += `2 lanes: scalar ${ts.toFixed(0)} ms (${a}), simd ${tv.toFixed(0)} ms (${b}), x${(ts / tv).toFixed(2)} | `
     + `4 lanes: scalar ${ts4.toFixed(0)} ms (${a4}), simd ${tv4.toFixed(0)} ms (${b4}), x${(ts4 / tv4).toFixed(2)}\\n`;
}
document.getElementById('o').textContent = s;
""" % b64
with tempfile.NamedTemporaryFile("w", suffix=".html", delete=False) as f:
    f.write("<html><body><pre id=o></pre><script>" + js + "</script></body></html>")
out = subprocess.run([os.environ.get("CHROMIUM", "chromium"), "--headless", "--no-sandbox", "--disable-gpu",
                      "--dump-dom", "file://" + f.name], capture_output=True, text=True, timeout=300).stdout
os.unlink(f.name)
for line in out.splitlines():
    line = line.replace('<html><head></head><body><pre id="o">', "")
    if line.startswith("2 lanes:"):
        print(line)
