//! Builds the browser module (`crates/wasm`, target `wasm32-unknown-unknown`,
//! profile `wasm`) so that the server can embed it with the pages of `web/`.
//! The nested build uses its own target directory (`target/wasm-build` in the
//! workspace's root), so it never waits on the outer build's lock, and the
//! toolchain of `rust-toolchain.toml` (the one that has the wasm target).
//! Every path here is the workspace root's, two folders up.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let root = std::fs::canonicalize(manifest.join("../..")).expect("the workspace root");
    for dir in [
        "crates/core/src",
        "crates/wasm/src",
        "crates/tally/src",
        "crates/core/Cargo.toml",
        "crates/wasm/Cargo.toml",
        "crates/tally/Cargo.toml",
        "Cargo.lock",
    ] {
        println!("cargo:rerun-if-changed={}", root.join(dir).display());
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo"));
    let target_dir = root.join("target").join("wasm-build");
    if let Err(why) = ensure_wasm_target(&root) {
        // One sentence the newcomer can act on, not a panic's backtrace.
        eprintln!(
            "error: the browser module needs the Rust target {WASM_TARGET}, which is not \
             installed and could not be added ({why}); run `rustup target add {WASM_TARGET}` \
             and build again."
        );
        std::process::exit(1);
    }
    let status = wasm_build(&root, &target_dir, None)
        .status()
        .expect("cargo can be run from build.rs");
    if !status.success() {
        panic!("building the browser module failed (see the errors above)");
    }
    let wasm = target_dir.join("wasm32-unknown-unknown/wasm/tinnhiem_wasm.wasm");
    std::fs::copy(&wasm, out.join("tinnhiem_wasm.wasm"))
        .expect("the wasm build produced its module");
    let wide = build_wide(&root, &out);
    embed_web(&root, &out, wide);
}

/// The flags of the second flavour of the module: 64-bit field arithmetic
/// (`curve25519_dalek_bits="64"`) compiled to WebAssembly's wide-arithmetic
/// instructions (`i64.mul_wide_u`, `i64.add128`), about three times as fast
/// for the inspector's check where a browser has them (docs/PERFORMANCE.md,
/// "Wide arithmetic"). The browsers that lack them refuse the module; the
/// page asks first (`WebAssembly.validate` of a one-instruction module) and
/// otherwise uses the standard one.
const WIDE_RUSTFLAGS: &str =
    "-C target-feature=+wide-arithmetic --cfg curve25519_dalek_bits=\"64\"";

/// Builds the wide flavour into `target/wasm-build-wide`; true when
/// `OUT_DIR/tinnhiem_wasm_wide.wasm` was written. A toolchain that cannot
/// build it (an older LLVM without the target feature) costs only the
/// speed-up: the build goes on, says so, and the page uses the standard
/// module.
fn build_wide(root: &std::path::Path, out: &std::path::Path) -> bool {
    let target_dir = root.join("target").join("wasm-build-wide");
    let built = wasm_build(root, &target_dir, Some(WIDE_RUSTFLAGS))
        .status()
        .is_ok_and(|s| s.success());
    let wasm = target_dir.join("wasm32-unknown-unknown/wasm/tinnhiem_wasm.wasm");
    if built && std::fs::copy(&wasm, out.join("tinnhiem_wasm_wide.wasm")).is_ok() {
        return true;
    }
    println!(
        "cargo:warning=the wide-arithmetic flavour of the browser module could not be built; \
         the inspector's check uses the standard module (slower, same answers)"
    );
    false
}

/// The nested `cargo build` of the browser module into `target_dir`, with
/// `rustflags` if given.
fn wasm_build(
    root: &std::path::Path,
    target_dir: &std::path::Path,
    rustflags: Option<&str>,
) -> Command {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root)
        .args([
            "build",
            "-p",
            "tinnhiem-wasm",
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            "wasm",
            "--locked",
        ])
        .arg("--target-dir")
        .arg(target_dir);
    // The outer build's flags (a fuzzer's sanitizers, a nightly toolchain)
    // are not for the browser module.
    for var in OUTER_BUILD_VARS {
        cmd.env_remove(var);
    }
    for (k, _) in std::env::vars() {
        if k.starts_with("CARGO_CFG_") || k.starts_with("CARGO_FEATURE_") {
            cmd.env_remove(k);
        }
    }
    if let Some(flags) = rustflags {
        cmd.env("RUSTFLAGS", flags);
    }
    cmd
}

const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// The outer build's settings (a fuzzer's sanitizers, a nightly toolchain)
/// are not for the browser module, nor for the tools asked about it.
const OUTER_BUILD_VARS: [&str; 9] = [
    "RUSTFLAGS",
    "CARGO_ENCODED_RUSTFLAGS",
    "RUSTUP_TOOLCHAIN",
    "CARGO_BUILD_RUSTFLAGS",
    "CARGO_TARGET_DIR",
    "RUSTC",
    "RUSTC_WRAPPER",
    "RUSTC_WORKSPACE_WRAPPER",
    "CARGO_PROFILE_RELEASE_DEBUG",
];

/// A command run in the project's root with the toolchain that
/// `rust-toolchain.toml` selects (the nested build's), not the outer one's.
fn tool(root: &std::path::Path, program: &str) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(root);
    for var in OUTER_BUILD_VARS {
        cmd.env_remove(var);
    }
    cmd
}

/// Whether the standard library for the wasm target is in `rustc`'s sysroot.
fn wasm_target_installed(root: &std::path::Path) -> bool {
    let Ok(out) = tool(root, "rustc")
        .args(["--print", "target-libdir", "--target", WASM_TARGET])
        .output()
    else {
        return false;
    };
    let dir = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    out.status.success()
        && std::fs::read_dir(dir).is_ok_and(|entries| {
            entries.flatten().any(|e| {
                let name = e.file_name();
                let name = name.to_string_lossy();
                name.starts_with("libcore-") && name.ends_with(".rlib")
            })
        })
}

/// rustup adds the targets of `rust-toolchain.toml` only when it installs
/// the toolchain, not to one already installed (a newcomer's usual case), so
/// the first build adds the wasm target itself, once, and says so.
fn ensure_wasm_target(root: &std::path::Path) -> Result<(), String> {
    if wasm_target_installed(root) {
        return Ok(());
    }
    println!(
        "cargo:warning=adding the Rust target {WASM_TARGET} for the browser module \
         (rustup target add {WASM_TARGET}); this happens once"
    );
    let out = tool(root, "rustup")
        .args(["target", "add", WASM_TARGET])
        .output()
        .map_err(|e| format!("rustup could not be run: {e}"))?;
    if !out.status.success() {
        let said = String::from_utf8_lossy(&out.stderr);
        let last = said
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        return Err(format!("rustup failed: {}", last.trim()));
    }
    if wasm_target_installed(root) {
        Ok(())
    } else {
        Err("rustup reported success but the target's library is still missing".into())
    }
}

/// Writes `assets.rs`: every file under `web/` as `(path, bytes)`, plus the
/// wasm module as `tinnhiem_wasm.wasm` and, when `wide`, its wide-arithmetic
/// flavour as `tinnhiem_wasm_wide.wasm`.
fn embed_web(root: &std::path::Path, out: &std::path::Path, wide: bool) {
    let web = root.join("web");
    println!("cargo:rerun-if-changed={}", web.display());
    let mut files = Vec::new();
    let mut stack = vec![web.clone()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                println!("cargo:rerun-if-changed={}", p.display());
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(&web)
                    .expect("under web")
                    .to_string_lossy()
                    .replace('\\', "/");
                files.push((rel, p));
            }
        }
    }
    files.sort();
    let mut code = String::from(
        "/// Every embedded file of the web pages.\npub static ASSETS: &[(&str, &[u8])] = &[\n",
    );
    for (rel, p) in &files {
        code.push_str(&format!(
            "    ({rel:?}, include_bytes!({:?})),\n",
            p.display().to_string()
        ));
    }
    let mut modules = vec!["tinnhiem_wasm.wasm"];
    if wide {
        modules.push("tinnhiem_wasm_wide.wasm");
    }
    for m in modules {
        code.push_str(&format!(
            "    ({m:?}, include_bytes!({:?})),\n",
            out.join(m).display().to_string()
        ));
    }
    code.push_str("];\n");
    std::fs::write(out.join("assets.rs"), code).expect("OUT_DIR is writable");
}
