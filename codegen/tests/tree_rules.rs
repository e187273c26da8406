//! The workspace's structural rules, checked on every hand-written source file: no file over
//! 600 lines and no function over 80 (tests, benchmarks and examples included), and no import
//! cycle between modules (module `a` uses `b` while `b` uses `a`, directly or through others;
//! a module reaching up to its own ancestors does not count).
//!
//! Modules are files; edges come from `use crate::..` / `use super::..` items (brace groups
//! expanded) and from `crate::..` / `super::..` paths in code, ignoring comments and everything
//! after a file's `#[cfg(test)]`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Source roots of the hand-written crates, relative to the workspace root.
const ROOTS: &[&str] = &[
    "runtime/src",
    "codegen/src",
    "codegen/macro/src",
    "generated/src",
    "conformance/src",
];

/// Tests, benchmarks and examples, relative to the workspace root: held to the file and
/// function rules (not to the import-cycle rule: each is a crate of its own).
const TEST_ROOTS: &[&str] = &[
    "codegen/tests",
    "generated/tests",
    "generated/benches",
    "conformance/tests",
    "conformance/benches",
    "conformance/examples",
];

const MAX_LINES: usize = 600;

/// The longest a function may be, from its `fn` line to its closing brace ("about 80").
const MAX_FN_LINES: usize = 80;

type Module = Vec<String>;

/// Violations that predate these rules, paid down under issue 10. The list may only shrink: a
/// violation not listed here fails, and so does an entry that no longer violates (delete it).
/// Files are `path`, functions `path: fn name`, cycles as the cycle test prints them.
///
/// Every entry is paid: the list is empty and may only stay empty (a new violation is fixed,
/// never listed here).
const KNOWN_DEBT: &[&str] = &[];

/// Fails on violations outside [`KNOWN_DEBT`] and on debt entries that were paid.
fn judge(rule: &str, found: Vec<(String, String)>) {
    let new: Vec<_> = found
        .iter()
        .filter(|(key, _)| !KNOWN_DEBT.contains(&key.as_str()))
        .map(|(_, shown)| shown.clone())
        .collect();
    let paid: Vec<_> = KNOWN_DEBT
        .iter()
        .filter(|k| classify(k) == rule && !found.iter().any(|(key, _)| key == *k))
        .collect();
    assert!(new.is_empty(), "{rule}:\n{}", new.join("\n"));
    assert!(
        paid.is_empty(),
        "{rule}: paid, delete from KNOWN_DEBT: {paid:?}"
    );
}

fn classify(key: &str) -> &'static str {
    if key.contains(" <-> ") {
        "import cycles"
    } else if key.contains(": fn ") {
        "functions over 80 lines"
    } else {
        "files over 600 lines"
    }
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// `a/b.rs` is `[a, b]`; `lib.rs`, `main.rs` and `mod.rs` name their folder.
fn module_of(root: &Path, file: &Path) -> Module {
    let rel = file.strip_prefix(root).unwrap().with_extension("");
    let mut parts: Module = rel
        .iter()
        .map(|s| s.to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("lib" | "main" | "mod")
    ) {
        parts.pop();
    }
    parts
}

/// The text without comments and without the tests that follow `#[cfg(test)]`.
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or("");
    text.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::a::b` / `super::a` path in the code, `use` brace groups expanded one level.
fn paths_in(code: &str) -> Vec<Vec<String>> {
    let flat: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let mut out = Vec::new();
    for stmt in flat.split(';') {
        let Some(rest) = stmt.split("use").last() else {
            continue;
        };
        if let Some((prefix, group)) = rest.split_once("::{") {
            for item in split_top(group.trim_end_matches('}')) {
                out.push(format!("{prefix}::{item}"));
            }
        }
    }
    let mut words = Vec::new();
    let bytes: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        let at_word = i == 0 || !(bytes[i - 1].is_alphanumeric() || bytes[i - 1] == '_');
        let rest: String = bytes[i..bytes.len().min(i + 7)].iter().collect();
        if at_word && (rest.starts_with("crate::") || rest.starts_with("super::")) {
            let mut j = i;
            while j < bytes.len()
                && (bytes[j].is_alphanumeric() || bytes[j] == '_' || bytes[j] == ':')
            {
                j += 1;
            }
            words.push(bytes[i..j].iter().collect::<String>());
            i = j;
        } else {
            i += 1;
        }
    }
    out.extend(words);
    out.iter()
        .map(|p| {
            p.split("::")
                .filter(|s| !s.is_empty() && *s != "self")
                .map(String::from)
                .collect()
        })
        .filter(|p: &Vec<String>| matches!(p.first().map(String::as_str), Some("crate" | "super")))
        .collect()
}

fn split_top(group: &str) -> Vec<String> {
    let (mut parts, mut depth, mut cur) = (Vec::new(), 0, String::new());
    for ch in group.chars() {
        match ch {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(ch);
    }
    parts.push(cur);
    parts
        .into_iter()
        .map(|p| {
            p.split("::{")
                .next()
                .unwrap()
                .split("as")
                .next()
                .unwrap()
                .to_string()
        })
        .filter(|p| !p.is_empty())
        .collect()
}

/// The module a path lands in: the longest prefix that is a module file.
fn target(modules: &BTreeSet<Module>, from: &Module, path: &[String]) -> Option<Module> {
    let mut abs: Module = if path[0] == "crate" {
        Vec::new()
    } else {
        from.clone()
    };
    let mut rest = if path[0] == "crate" { &path[1..] } else { path };
    while rest.first().is_some_and(|s| s == "super") {
        abs.pop();
        rest = &rest[1..];
    }
    abs.extend(rest.iter().cloned());
    (0..=abs.len())
        .rev()
        .map(|n| abs[..n].to_vec())
        .find(|m| modules.contains(m))
}

/// Strongly connected components of more than one module (Tarjan).
fn cycles(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    struct T<'g> {
        g: &'g BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<Module, usize>,
        low: BTreeMap<Module, usize>,
        stack: Vec<Module>,
        out: Vec<Vec<Module>>,
    }
    fn visit(t: &mut T, v: &Module) {
        let n = t.index.len();
        t.index.insert(v.clone(), n);
        t.low.insert(v.clone(), n);
        t.stack.push(v.clone());
        for w in t.g.get(v).into_iter().flatten() {
            if !t.index.contains_key(w) {
                visit(t, w);
                let lw = t.low[w];
                t.low.entry(v.clone()).and_modify(|l| *l = (*l).min(lw));
            } else if t.stack.contains(w) {
                let iw = t.index[w];
                t.low.entry(v.clone()).and_modify(|l| *l = (*l).min(iw));
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                let done = &w == v;
                comp.push(w);
                if done {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.out.push(comp);
            }
        }
    }
    let mut t = T {
        g: graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !t.index.contains_key(v) {
            visit(&mut t, v);
        }
    }
    t.out
}

fn import_cycles(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(root, &mut files);
    let modules: BTreeSet<Module> = files.iter().map(|f| module_of(root, f)).collect();
    let mut graph: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for f in &files {
        let from = module_of(root, f);
        let code = code_of(&std::fs::read_to_string(f).unwrap());
        let edges = graph.entry(from.clone()).or_default();
        for path in paths_in(&code) {
            match target(&modules, &from, &path) {
                Some(to) if to != from && !from.starts_with(&to) => {
                    edges.insert(to);
                }
                _ => {}
            }
        }
    }
    cycles(&graph)
        .into_iter()
        .map(|c| {
            c.iter()
                .map(|m| {
                    if m.is_empty() {
                        "crate".into()
                    } else {
                        m.join("::")
                    }
                })
                .collect::<Vec<_>>()
                .join(" <-> ")
        })
        .collect()
}

#[test]
fn no_import_cycles_between_modules() {
    let mut found = Vec::new();
    for root in ROOTS {
        for c in import_cycles(&workspace().join(root)) {
            let key = format!("{root}: {c}");
            found.push((key.clone(), key));
        }
    }
    judge("import cycles", found);
}

#[test]
fn no_hand_written_source_file_over_600_lines() {
    let mut over = Vec::new();
    for root in ROOTS.iter().chain(TEST_ROOTS) {
        let mut files = Vec::new();
        rust_files(&workspace().join(root), &mut files);
        for f in files {
            let n = std::fs::read_to_string(&f).unwrap().lines().count();
            if n > MAX_LINES {
                let path = f.strip_prefix(workspace()).unwrap_or(&f).display();
                over.push((path.to_string(), format!("{path} ({n} lines)")));
            }
        }
    }
    judge("files over 600 lines", over);
}

#[test]
fn the_cycle_finder_sees_a_cycle_and_ignores_ancestors() {
    let dir = std::env::temp_dir().join(format!("tree_rules_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("a")).unwrap();
    std::fs::write(dir.join("lib.rs"), "mod a; mod b; mod c;\n").unwrap();
    std::fs::write(dir.join("a/mod.rs"), "mod x;\nuse crate::b::thing;\n").unwrap();
    std::fs::write(
        dir.join("a/x.rs"),
        "use super::super::c::{one, two::three};\nuse crate::{a::y, b::other};\n",
    )
    .unwrap();
    std::fs::write(dir.join("b.rs"), "fn f() { crate::a::x::g(); }\n").unwrap();
    std::fs::write(
        dir.join("c.rs"),
        "// use crate::a::x;\n#[cfg(test)]\nmod t { use crate::a::x; }\n",
    )
    .unwrap();
    let found = import_cycles(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(found, vec!["a::x <-> b".to_string()]);
}

/// `(line, name, length)` of every function (outside tests) longer than `limit` lines. Braces
/// are counted outside string literals and comments.
fn long_functions(text: &str, limit: usize) -> Vec<(usize, String, usize)> {
    let lines: Vec<&str> = text
        .split("#[cfg(test)]")
        .next()
        .unwrap_or("")
        .lines()
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(name) = fn_name(lines[i]) else {
            i += 1;
            continue;
        };
        let (mut depth, mut started, mut j) = (0i32, false, i);
        while j < lines.len() {
            let code = without_strings(lines[j].split("//").next().unwrap_or(""));
            for ch in code.chars() {
                match ch {
                    '{' => (depth, started) = (depth + 1, true),
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            if (started && depth <= 0) || (!started && code.trim_end().ends_with(';')) {
                break;
            }
            j += 1;
        }
        if j - i + 1 > limit {
            out.push((i + 1, name, j - i + 1));
        }
        i = if started { j + 1 } else { i + 1 };
    }
    out
}

/// The name of the function a line starts, if it starts one.
fn fn_name(line: &str) -> Option<String> {
    let mut words = line.split_whitespace().peekable();
    while let Some(w) = words.next() {
        if w == "fn" {
            let name = words.next()?;
            return Some(name.split(['(', '<']).next()?.to_string());
        }
        let modifier =
            w.starts_with("pub") || matches!(w, "const" | "async" | "unsafe" | "extern" | "\"C\"");
        if !modifier {
            return None;
        }
    }
    None
}

/// `code` without string and char literals (`'{'` is not a brace); lifetimes (`'a`) stay.
fn without_strings(code: &str) -> String {
    let chars: Vec<char> = code.chars().collect();
    let (mut out, mut in_str, mut escaped) = (String::new(), false, false);
    let mut i = 0;
    while i < chars.len() {
        let ch = chars[i];
        match (in_str, escaped, ch) {
            (true, true, _) => escaped = false,
            (true, false, '\\') => escaped = true,
            (_, false, '"') => in_str = !in_str,
            (false, _, '\'') => {
                // A char literal: `'x'` or an escape such as `'\''` or `'\n'`.
                let end = match chars.get(i + 1) {
                    Some('\\') => chars
                        .get(i + 3..)
                        .and_then(|rest| rest.iter().position(|&c| c == '\''))
                        .map(|p| i + 3 + p),
                    Some(_) if chars.get(i + 2) == Some(&'\'') => Some(i + 2),
                    _ => None,
                };
                if let Some(end) = end {
                    i = end;
                }
            }
            (false, _, c) => out.push(c),
            _ => {}
        }
        i += 1;
    }
    out
}

#[test]
fn no_function_over_80_lines() {
    let mut over = Vec::new();
    for root in ROOTS.iter().chain(TEST_ROOTS) {
        let mut files = Vec::new();
        rust_files(&workspace().join(root), &mut files);
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for (line, name, n) in long_functions(&text, MAX_FN_LINES) {
                let shown = f
                    .strip_prefix(workspace())
                    .unwrap_or(&f)
                    .display()
                    .to_string();
                over.push((
                    format!("{shown}: fn {name}"),
                    format!("{shown}:{line}: fn {name} ({n} lines)"),
                ));
            }
        }
    }
    judge("functions over 80 lines", over);
}

#[test]
fn the_function_measure_counts_from_fn_to_its_brace() {
    let text = "pub(crate) async fn a() {\n    let s = \"}}}\";\n    if x { y() } // }\n}\nfn b();\nconst fn c() -> u8 { 1 }\n";
    assert_eq!(long_functions(text, 3), vec![(1, "a".to_string(), 4)]);
    assert!(long_functions(text, 4).is_empty());
}
