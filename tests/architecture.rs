//! The shape of the code, checked so that it stays: no two modules of a
//! crate import each other, directly or around a longer circle, and no crate
//! of the workspace depends on the binary package. A module may use its own
//! ancestors and descendants (a `mod.rs` declares its children, which use
//! what it defines); any other circle fails here, naming its modules.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Every `.rs` file under `dir`, with its module path (`server::api`).
fn modules(dir: &Path) -> BTreeMap<String, PathBuf> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d)
            .expect("read a source folder")
            .flatten()
        {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let rel = p.strip_prefix(dir).expect("under the folder");
                let mut parts: Vec<String> = rel
                    .with_extension("")
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                if matches!(
                    parts.last().map(String::as_str),
                    Some("mod" | "lib" | "main")
                ) {
                    parts.pop();
                }
                out.insert(parts.join("::"), p);
            }
        }
    }
    out
}

/// The paths after `crate::` or `super::` in `code`, resolved to absolute
/// module paths from `module` (groups `{a, b::c}` expanded).
fn references(code: &str, module: &str) -> Vec<String> {
    let code: String = code
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    for start in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(at) = code[from..].find(start) {
            let at = from + at;
            from = at + start.len();
            if at > 0
                && (bytes[at - 1].is_ascii_alphanumeric() || matches!(bytes[at - 1], b'_' | b':'))
            {
                continue;
            }
            let mut base: Vec<&str> = if start == "crate::" {
                Vec::new()
            } else {
                let mut m: Vec<&str> = module.split("::").filter(|s| !s.is_empty()).collect();
                m.pop();
                m
            };
            // Further `super::` steps.
            let mut rest = &code[from..];
            while let Some(r) = rest.strip_prefix("super::") {
                base.pop();
                rest = r;
            }
            for path in expand(rest) {
                let mut full = base.clone();
                full.extend(path.split("::").filter(|s| !s.is_empty()));
                out.push(full.join("::"));
            }
        }
    }
    out
}

/// `a::b::C`, or a group `{a, b::{c, d}}`, into its paths.
fn expand(rest: &str) -> Vec<String> {
    let ident_end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(rest.len());
    let head = rest[..ident_end].trim_end_matches(':');
    let tail = &rest[ident_end..];
    if !tail.starts_with('{') {
        return vec![head.to_owned()];
    }
    // A group: split at top-level commas up to the matching brace.
    let mut depth = 0;
    let mut parts = Vec::new();
    let mut cur = String::new();
    for c in tail[1..].chars() {
        match c {
            '{' => {
                depth += 1;
                cur.push(c);
            }
            '}' if depth == 0 => break,
            '}' => {
                depth -= 1;
                cur.push(c);
            }
            ',' if depth == 0 => parts.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    parts.push(cur);
    parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty() && *p != "self")
        .flat_map(|p| {
            expand(p).into_iter().map(move |q| {
                if head.is_empty() {
                    q
                } else {
                    format!("{head}::{q}")
                }
            })
        })
        .collect()
}

fn related(a: &str, b: &str) -> bool {
    let under = |x: &str, y: &str| y.is_empty() || x == y || x.starts_with(&format!("{y}::"));
    under(a, b) || under(b, a)
}

/// The import graph of one crate's `src`: module → modules it uses.
fn graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mods = modules(src);
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (m, file) in &mods {
        let code = std::fs::read_to_string(file).expect("read a source file");
        let uses = g.entry(m.clone()).or_default();
        for r in references(&code, m) {
            // The longest known module that the path starts with.
            let mut parts: Vec<&str> = r.split("::").collect();
            while !parts.is_empty() && !mods.contains_key(&parts.join("::")) {
                parts.pop();
            }
            let target = parts.join("::");
            if !related(m, &target) {
                uses.insert(target);
            }
        }
    }
    g
}

/// Circles of more than one module (Tarjan's strongly connected components).
fn circles(g: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct T<'a> {
        g: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        let i = t.index.len();
        t.index.insert(v, i);
        t.low.insert(v, i);
        t.stack.push(v);
        t.on.insert(v);
        let g = t.g;
        for w in g.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !t.index.contains_key(w) {
                visit(t, w);
                let lw = t.low[w];
                let lv = t.low.get_mut(v).expect("visited");
                *lv = (*lv).min(lw);
            } else if t.on.contains(w) {
                let iw = t.index[w];
                let lv = t.low.get_mut(v).expect("visited");
                *lv = (*lv).min(iw);
            }
        }
        if t.low[v] == t.index[v] {
            let mut c = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                c.push(w.to_owned());
                if w == v {
                    break;
                }
            }
            if c.len() > 1 {
                c.sort();
                t.out.push(c);
            }
        }
    }
    let mut t = T {
        g,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in g.keys() {
        if !t.index.contains_key(v.as_str()) {
            visit(&mut t, v);
        }
    }
    t.out
}

/// The binary package's `src` and every workspace crate's.
fn crate_sources() -> Vec<PathBuf> {
    let root = Path::new(ROOT);
    let mut out = vec![root.join("src")];
    for e in std::fs::read_dir(root.join("crates"))
        .expect("crates/")
        .flatten()
    {
        if e.path().join("src").is_dir() {
            out.push(e.path().join("src"));
        }
    }
    out.sort();
    out
}

#[test]
fn no_two_modules_import_each_other() {
    let mut found = Vec::new();
    for src in crate_sources() {
        for c in circles(&graph(&src)) {
            found.push(format!("{}: {}", src.display(), c.join(" ↔ ")));
        }
    }
    assert!(
        found.is_empty(),
        "import circles (move what both sides need into one module they both use):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_checker_sees_a_circle_and_a_group_import() {
    let mut g = BTreeMap::new();
    g.insert("a".to_owned(), BTreeSet::from(["b".to_owned()]));
    g.insert("b".to_owned(), BTreeSet::from(["c".to_owned()]));
    g.insert("c".to_owned(), BTreeSet::from(["a".to_owned()]));
    g.insert("d".to_owned(), BTreeSet::from(["a".to_owned()]));
    assert_eq!(circles(&g), vec![vec!["a", "b", "c"]]);
    let r = references(
        "use crate::{x::Y, z::{self, W}};\nlet q = super::super::k::f();",
        "p::q::r",
    );
    assert_eq!(r, vec!["x::Y", "z::W", "p::k::f"]);
}

#[test]
fn no_crate_depends_on_the_binary_package() {
    for src in crate_sources().into_iter().skip(1) {
        let manifest = src.parent().expect("a crate folder").join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest).expect("a crate's Cargo.toml");
        for line in text.lines() {
            let name = line.split('=').next().unwrap_or("").trim();
            assert!(
                name != "tinnhiem" && !line.contains("path = \"../..\""),
                "{} depends on the binary package: {line}",
                manifest.display()
            );
        }
    }
}
