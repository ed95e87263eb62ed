//! Turns on `cfg(bioprop_avx512)` when the compiler has the AVX-512 intrinsics and
//! target feature (stable since Rust 1.89). Older compilers, down to the workspace's
//! `rust-version`, build the native kernels without them: AVX at most
//! (`src/linalg.rs`).

use std::process::Command;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(bioprop_avx512)");
    println!("cargo::rerun-if-changed=build.rs");
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let minor = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|version| {
            // "rustc 1.95.0 (59807616e 2026-04-14)"
            let number = version.split_whitespace().nth(1)?.to_owned();
            number.split('.').nth(1)?.parse::<u32>().ok()
        });
    if minor.is_some_and(|minor| minor >= 89) {
        println!("cargo::rustc-cfg=bioprop_avx512");
    }
}
