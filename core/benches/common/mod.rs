//! What every bench shares: its `main`.
//!
//! criterion is a native dev-dependency, so each bench keeps its code in a `native`
//! module and, on wasm32, is an empty program.

/// The bench's `main`: criterion running `$bench` natively; an empty program on wasm32.
macro_rules! bench_main {
    ($($bench:path),+ $(,)?) => {
        #[cfg(not(target_arch = "wasm32"))]
        criterion::criterion_group!(benches, $($bench),+);
        #[cfg(not(target_arch = "wasm32"))]
        criterion::criterion_main!(benches);
        #[cfg(target_arch = "wasm32")]
        fn main() {}
    };
}
pub(crate) use bench_main;
