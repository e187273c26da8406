//! The 32-byte encodings, and the ratio tables printed after criterion's output.

use super::*;

/// What writing a 32-byte MAC costs, next to the MAC itself (DEVELOPERS: "hex::encode is a
/// third of an HMAC signature's cost: measure before you accept it").
pub(crate) fn encoding(c: &mut Criterion) {
    let mac = hmac::Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    let payload = b"1700000000123#my-memo-2024#{\"clientOrderId\":\"118100034543076010\",\"queryState\":\"open\",\"recvWindow\":5000}";
    let digest: [u8; 32] = {
        let mut m = mac.clone();
        m.update(payload);
        m.finalize().into_bytes().into()
    };
    assert_eq!(const_hex::encode(digest), hex::encode(digest));

    let mut g = c.benchmark_group("encode_32_bytes");
    g.bench_function("hmac_sha256_only", |b| {
        b.iter(|| {
            let mut m = black_box(&mac).clone();
            m.update(black_box(payload));
            m.finalize().into_bytes()
        })
    });
    g.bench_function("const_hex", |b| {
        b.iter(|| const_hex::encode(black_box(&digest)))
    });
    g.bench_function("hex_crate", |b| b.iter(|| hex::encode(black_box(&digest))));
    g.bench_function("base64", |b| {
        b.iter(|| base64::engine::general_purpose::STANDARD.encode(black_box(&digest)))
    });
}

/// Where criterion writes its results, found as criterion finds it: `$CRITERION_HOME`, else
/// `criterion` in the cargo target directory (`$CARGO_TARGET_DIR`, else `cargo metadata`).
fn output_directory() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return home.into();
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            let cargo = std::env::var_os("CARGO")?;
            let out = std::process::Command::new(cargo)
                .args(["metadata", "--format-version", "1", "--no-deps"])
                .output()
                .ok()?;
            let meta: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
            meta["target_directory"].as_str().map(PathBuf::from)
        })
        .unwrap_or_else(|| "target".into());
    target.join("criterion")
}

/// Criterion's typical estimate (slope, else mean) in nanoseconds, if measured since `since`.
fn estimate_ns(dir: &Path, group: &str, function: &str, since: SystemTime) -> Option<f64> {
    let file = dir.join(group).join(function).join("new/estimates.json");
    let modified = std::fs::metadata(&file).and_then(|m| m.modified()).ok()?;
    if modified < since {
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).ok()?).ok()?;
    let typical = if v["slope"].is_object() {
        &v["slope"]
    } else {
        &v["mean"]
    };
    typical["point_estimate"].as_f64()
}

fn format_ns(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.3} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.3} µs", ns / 1e3)
    } else {
        format!("{ns:.1} ns")
    }
}

/// Prints `sign / primitive` (and `engine / primitive`) for every group measured in this
/// run, from criterion's estimates.
fn report(dir: &Path, since: SystemTime) {
    const GROUPS: &[&str] = &[
        "bitmart",
        "htx",
        "binance_usdm",
        "p99",
        "binance_usdm_ed25519",
        "binance_usdm_rsa",
    ];
    let mut lines = Vec::new();
    for group in GROUPS {
        let ns = |function| estimate_ns(dir, group, function, since);
        let (Some(p), Some(s)) = (ns("primitive"), ns("sign")) else {
            continue;
        };
        let ratio = s / p;
        let (engine, engine_ratio) = match ns("engine") {
            Some(e) => (format_ns(e), format!("{:.2}x", e / p)),
            None => ("-".into(), "-".into()),
        };
        lines.push(format!(
            "{group:<22} {:>12} {:>12} {engine:>12} {ratio:>7.2}x {engine_ratio:>8}  {}",
            format_ns(p),
            format_ns(s),
            if ratio <= 1.5 { "ok" } else { "OVER 1.5x" }
        ));
    }
    if lines.is_empty() {
        return;
    }
    println!("\nsign / primitive (limit 1.5x); engine / primitive for comparison");
    println!(
        "{:<22} {:>12} {:>12} {:>12} {:>8} {:>8}",
        "group", "primitive", "sign", "engine", "ratio", "engine"
    );
    for l in lines {
        println!("{l}");
    }
}

/// Prints the paired minima measured in this run.
fn report_paired() {
    let paired = PAIRED.lock().map(|p| p.clone()).unwrap_or_default();
    if paired.is_empty() {
        return;
    }
    println!("\npaired minima: primitive and sign in alternating batches, fastest batch of each");
    println!(
        "{:<22} {:>12} {:>12} {:>8}",
        "group", "primitive", "sign", "ratio"
    );
    for (group, p, s) in paired {
        println!(
            "{group:<22} {:>12} {:>12} {:>7.2}x  {}",
            format_ns(p),
            format_ns(s),
            s / p,
            if s / p <= 1.5 { "ok" } else { "OVER 1.5x" }
        );
    }
}

/// When this run started: estimates older than that are from an earlier run.
pub(crate) fn started() -> SystemTime {
    static STARTED: OnceLock<SystemTime> = OnceLock::new();
    *STARTED.get_or_init(SystemTime::now)
}

/// Not a benchmark: prints the table once the groups above have run.
pub(crate) fn ratios(_: &mut Criterion) {
    report(&output_directory(), started());
    report_paired();
}
