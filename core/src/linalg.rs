//! The matrix products of a training step, written out so that they allocate nothing,
//! add in one fixed order on every platform, and vectorise: 128-bit SIMD in wasm
//! (`simd128`) and natively (SSE2), 256-bit AVX or 512-bit AVX-512 natively where the
//! CPU has them (checked at run time).
//!
//! Minibatches hold samples in rows, so with `A` of shape `(b, n_{k-1})`, `W_k` of shape
//! `(n_k, n_{k-1})` and `Δ` of shape `(b, n_k)` a step needs three products:
//!
//! | product | shape | used for | kernel |
//! |---|---|---|---|
//! | `Z = A W_kᵀ + 1 bᵀ` | `(b, n_k)` | forward pass | [`affine`]: row–row dot products |
//! | `G = Δ M` | `(b, n_{k-1})` | error sent down through `M = W_k`, `B_kᵀ`, `D_kᵀ` | [`matmul`]: rows of `M` scaled and added |
//! | `∇W = Δᵀ A` | `(n_k, n_{k-1})` | summed weight gradient | [`matmul_tn`]: rows of `A` scaled and added |
//!
//! Why not `ndarray::linalg::general_mat_mul`: for any dimension above 7 it calls
//! `matrixmultiply`, which allocates a packing buffer on every call (the training step
//! must not allocate) and picks FMA kernels at run time on CPUs that have them, so a
//! native run and a wasm run would round differently. Here each output element is
//! summed in a fixed order with separate multiplies and adds (Rust never fuses them,
//! whatever the target features), which makes a run bit-identical everywhere. Feedback
//! alignment with `B := Wᵀ` and backprop go through the same kernel, so they agree bit
//! for bit.
//!
//! # The order of additions, and why the vector width does not change it
//!
//! - A dot product (forward pass) sums `x_i y_i` into [`LANES`] = 8 partial sums, term
//!   `i` into sum `i mod 8`, adds the leftover `n mod 8` terms one by one into a tail,
//!   and finishes with `((s0+s4) + (s1+s5)) + ((s2+s6) + (s3+s7)) + tail`. The eight
//!   sums sit in two 4-lane registers in wasm and with SSE, in one 8-lane register with
//!   AVX, and with AVX-512 two samples' eight sums share one 16-lane register (the
//!   chunk of a weight row loaded into both halves): the same additions every way.
//! - A scaled row sum (error sent down, weight gradient) adds the terms of each output
//!   element one after the other, in order of the summation index; neighbouring
//!   elements are independent, so a register of any width holds as many of them as fit.
//!
//! The fast kernels tile the outputs for the registers and the cache — a block of
//! samples against a block of weight rows, a block of output rows against a strip of
//! columns — so each loaded value feeds several sums; the tiling only changes which
//! sums are computed together, never the terms or the order within one. Views that are
//! not contiguous take a plain loop with the same order.
//!
//! To see the vector instructions in the wasm build (the wasm tests also assert that
//! `simd128` is on): `cargo rustc -p bioprop --lib --release --target
//! wasm32-unknown-unknown -- --emit asm -o target/bioprop.s`, then `grep -c f32x4.mul`
//! on the `target/bioprop-*.s` it writes counts the 4-lane multiplies (28 when this was
//! written), and `grep -c relaxed` finds no relaxed-SIMD instruction.
//!
//! A term whose scalar factor is zero adds nothing: ReLU units, one-hot targets and
//! blank digit pixels make many such zeros, and the scaled row sums skip a step of the
//! summation when every factor of the tile is zero. Adding `0·m` to a sum that started
//! at `+0` leaves its bits unchanged for finite `m`, so skipping is invisible in the
//! result.

use std::array;

use ndarray::{ArrayView1, ArrayView2, ArrayViewMut2, Zip};

use self::vector::Vector;

/// Partial sums of a dot product: eight, so that wasm (two 4-lane registers), SSE (the
/// same) and AVX (one 8-lane register) all add in the same order.
pub const LANES: usize = 8;

/// The fixed reduction of the eight partial sums and the tail.
#[inline(always)]
fn finish(s: &[f32; LANES], tail: f32) -> f32 {
    ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7])) + tail
}

/// `out[r][c] = x_r · y_c` for a tile of `R` rows of one operand and `C` of the other,
/// all of the same length, with the eight partial sums of each in a register `S` of
/// eight lanes: each loaded chunk feeds `C` (or `R`) sums.
#[inline(always)]
fn dot_tile<S: Vector, const R: usize, const C: usize>(
    x: [&[f32]; R],
    y: [&[f32]; C],
) -> [[f32; C]; R] {
    debug_assert_eq!(S::WIDTH, LANES);
    let n = x[0].len();
    assert!(x.iter().chain(&y).all(|s| s.len() == n));
    let full = n / LANES * LANES;
    let mut sums = [[S::zero(); C]; R];
    let mut k = 0;
    while k < full {
        // SAFETY: every slice holds `n >= k + LANES` values.
        let yk: [S; C] = array::from_fn(|c| unsafe { S::load(y[c].as_ptr().add(k)) });
        for (sums_r, x_r) in sums.iter_mut().zip(&x) {
            // SAFETY: as above.
            let xk = unsafe { S::load(x_r.as_ptr().add(k)) };
            for (s, &y_c) in sums_r.iter_mut().zip(&yk) {
                *s = s.add(xk.mul(y_c));
            }
        }
        k += LANES;
    }
    array::from_fn(|r| {
        array::from_fn(|c| {
            let mut tail = 0.0_f32;
            for (a, b) in x[r][full..].iter().zip(&y[c][full..]) {
                tail += a * b;
            }
            let mut lanes = [0.0_f32; LANES];
            sums[r][c].store(&mut lanes);
            finish(&lanes, tail)
        })
    })
}

/// `Σ_i x_i y_i`, accumulated in eight interleaved partial sums that are then added
/// pairwise.
///
/// # Panics
///
/// In debug builds, if the lengths differ.
#[inline]
pub fn dot(x: ArrayView1<'_, f32>, y: ArrayView1<'_, f32>) -> f32 {
    debug_assert_eq!(x.len(), y.len());
    if let (Some(x), Some(y)) = (x.as_slice(), y.as_slice()) {
        return dot_tile::<vector::Sums, 1, 1>([x], [y])[0][0];
    }
    // Strided views: the same order, element by element.
    let mut acc = [0.0_f32; LANES];
    let mut tail = 0.0_f32;
    let n = x.len();
    let full = n / LANES * LANES;
    for i in 0..full {
        acc[i % LANES] += x[i] * y[i];
    }
    for i in full..n {
        tail += x[i] * y[i];
    }
    finish(&acc, tail)
}

/// Sizes of a product on contiguous row-major slices.
#[derive(Clone, Copy)]
struct Dims {
    /// Rows of the output.
    rows: usize,
    /// Length of the summation.
    inner: usize,
    /// Columns of the output.
    cols: usize,
}

/// `z ← a wᵀ + 1 biasᵀ`, i.e. `z[i, j] = dot(a[i, :], w[j, :]) + bias[j]`.
///
/// # Shapes
///
/// `a: (b, n_in)`, `w: (n_out, n_in)`, `bias: (n_out)`, `z: (b, n_out)`.
pub fn affine(
    a: ArrayView2<'_, f32>,
    w: ArrayView2<'_, f32>,
    bias: ArrayView1<'_, f32>,
    mut z: ArrayViewMut2<'_, f32>,
) {
    debug_assert_eq!(a.ncols(), w.ncols());
    debug_assert_eq!(z.dim(), (a.nrows(), w.nrows()));
    let dims = Dims {
        rows: a.nrows(),
        inner: a.ncols(),
        cols: w.nrows(),
    };
    if let (Some(a), Some(w), Some(bias), Some(z)) = (
        a.as_slice(),
        w.as_slice(),
        bias.as_slice(),
        z.as_slice_mut(),
    ) {
        return dispatch::affine(a, w, bias, z, dims);
    }
    for (a_row, mut z_row) in a.rows().into_iter().zip(z.rows_mut()) {
        for ((z_ij, w_row), &b_j) in z_row.iter_mut().zip(w.rows()).zip(bias.iter()) {
            *z_ij = dot(a_row, w_row) + b_j;
        }
    }
}

/// The dot products of [`affine`]: full tiles of `R` samples by `C` weight rows, a row
/// of `C` for the samples left over, single ones for the weight rows left over. Each
/// gives the bits of [`dot_tile`]'s order.
trait DotKernel<const R: usize, const C: usize> {
    fn tile(x: [&[f32]; R], y: [&[f32]; C]) -> [[f32; C]; R];
    fn row(x: [&[f32]; 1], y: [&[f32]; C]) -> [[f32; C]; 1];
    fn one(x: [&[f32]; 1], y: [&[f32]; 1]) -> [[f32; 1]; 1];
}

/// [`dot_tile`] with the eight partial sums in registers `S`.
struct Plain<S>(std::marker::PhantomData<S>);

impl<S: Vector, const R: usize, const C: usize> DotKernel<R, C> for Plain<S> {
    #[inline(always)]
    fn tile(x: [&[f32]; R], y: [&[f32]; C]) -> [[f32; C]; R] {
        dot_tile::<S, R, C>(x, y)
    }
    #[inline(always)]
    fn row(x: [&[f32]; 1], y: [&[f32]; C]) -> [[f32; C]; 1] {
        dot_tile::<S, 1, C>(x, y)
    }
    #[inline(always)]
    fn one(x: [&[f32]; 1], y: [&[f32]; 1]) -> [[f32; 1]; 1] {
        dot_tile::<S, 1, 1>(x, y)
    }
}

/// [`affine`] on row-major slices, in tiles of `R` samples by `C` weight rows, with
/// the eight partial sums of each dot product in registers `S`.
#[inline(always)]
fn affine_tiled<S: Vector, const R: usize, const C: usize>(
    a: &[f32],
    w: &[f32],
    bias: &[f32],
    z: &mut [f32],
    dims: Dims,
) {
    affine_blocks::<Plain<S>, R, C>(a, w, bias, z, dims);
}

/// [`affine`] on row-major slices, in tiles of `R` samples by `C` weight rows computed
/// by the kernel `K`. The weight rows are the outer loop, so each is read from memory
/// once per step while the minibatch stays in cache.
#[inline(always)]
fn affine_blocks<K: DotKernel<R, C>, const R: usize, const C: usize>(
    a: &[f32],
    w: &[f32],
    bias: &[f32],
    z: &mut [f32],
    dims: Dims,
) {
    let Dims {
        rows,
        inner: n,
        cols,
    } = dims;
    let a_row = |i: usize| &a[i * n..(i + 1) * n];
    let w_row = |j: usize| &w[j * n..(j + 1) * n];
    let mut j = 0;
    while j + C <= cols {
        let w_rows = array::from_fn(|c| w_row(j + c));
        let mut i = 0;
        while i + R <= rows {
            let sums = K::tile(array::from_fn(|r| a_row(i + r)), w_rows);
            for (r, sums_r) in sums.iter().enumerate() {
                let z_row = &mut z[(i + r) * cols + j..][..C];
                for ((z, v), b) in z_row.iter_mut().zip(sums_r).zip(&bias[j..j + C]) {
                    *z = v + b;
                }
            }
            i += R;
        }
        for i in i..rows {
            let sums = K::row([a_row(i)], w_rows);
            let z_row = &mut z[i * cols + j..][..C];
            for ((z, v), b) in z_row.iter_mut().zip(&sums[0]).zip(&bias[j..j + C]) {
                *z = v + b;
            }
        }
        j += C;
    }
    for j in j..cols {
        for i in 0..rows {
            z[i * cols + j] = K::one([a_row(i)], [w_row(j)])[0][0] + bias[j];
        }
    }
}

/// `c ← a m`, i.e. `c[i, :] = Σ_j a[i, j] m[j, :]`.
///
/// # Shapes
///
/// `a: (b, n)`, `m: (n, p)`, `c: (b, p)`.
pub fn matmul(a: ArrayView2<'_, f32>, m: ArrayView2<'_, f32>, mut c: ArrayViewMut2<'_, f32>) {
    debug_assert_eq!(a.ncols(), m.nrows());
    debug_assert_eq!(c.dim(), (a.nrows(), m.ncols()));
    let dims = Dims {
        rows: a.nrows(),
        inner: a.ncols(),
        cols: m.ncols(),
    };
    if let (Some(s), Some(m), Some(c)) = (a.as_slice(), m.as_slice(), c.as_slice_mut()) {
        let factors = Factors {
            s,
            row_step: dims.inner,
            inner_step: 1,
            add: false,
        };
        return dispatch::combine_rows(factors, m, c, dims);
    }
    combine_rows_strided(a.rows().into_iter(), m, c, false);
}

/// `c ← aᵀ m`, i.e. `c[j, :] = Σ_i a[i, j] m[i, :]`: the weight gradient `Δᵀ A` summed
/// (not averaged) over the `b` samples.
///
/// # Shapes
///
/// `a: (b, n)`, `m: (b, p)`, `c: (n, p)`.
pub fn matmul_tn(a: ArrayView2<'_, f32>, m: ArrayView2<'_, f32>, c: ArrayViewMut2<'_, f32>) {
    transposed_product(a, m, c, false);
}

/// `c ← c + aᵀ m`, i.e. `c[j, :] += Σ_i a[i, j] m[i, :]`: a weight matrix changed by a
/// summed outer-product update in place, with no gradient buffer. The terms are added
/// to `c` one after the other in order of `i`, so with one sample (`b = 1`) this is
/// `c[j, k] + a[0, j] m[0, k]`, the plain rank-one update.
///
/// # Shapes
///
/// `a: (b, n)`, `m: (b, p)`, `c: (n, p)`.
pub fn matmul_tn_add(a: ArrayView2<'_, f32>, m: ArrayView2<'_, f32>, c: ArrayViewMut2<'_, f32>) {
    transposed_product(a, m, c, true);
}

/// [`matmul_tn`] (`add = false`) or [`matmul_tn_add`].
fn transposed_product(
    a: ArrayView2<'_, f32>,
    m: ArrayView2<'_, f32>,
    mut c: ArrayViewMut2<'_, f32>,
    add: bool,
) {
    debug_assert_eq!(a.nrows(), m.nrows());
    debug_assert_eq!(c.dim(), (a.ncols(), m.ncols()));
    let dims = Dims {
        rows: a.ncols(),
        inner: a.nrows(),
        cols: m.ncols(),
    };
    if let (Some(s), Some(m), Some(c)) = (a.as_slice(), m.as_slice(), c.as_slice_mut()) {
        let factors = Factors {
            s,
            row_step: 1,
            inner_step: dims.rows,
            add,
        };
        return dispatch::combine_rows(factors, m, c, dims);
    }
    combine_rows_strided(a.columns().into_iter(), m, c, add);
}

/// The scalar factors of a scaled row sum: factor `(r, j)` (output row `r`, summation
/// index `j`) is `s[r row_step + j inner_step]`. With `add`, the sums start from the
/// values already in the output instead of from zero.
#[derive(Clone, Copy)]
struct Factors<'a> {
    s: &'a [f32],
    row_step: usize,
    inner_step: usize,
    add: bool,
}

/// `c[r, :] = Σ_j f(r, j) m[j, :]` on row-major slices, in tiles of `R` output rows by
/// `NV` registers of columns, held in registers through the whole sum; the columns left
/// over go through one register `V`, then one narrower register `H`, then one by one. Column strips
/// are the outer loop, so the strip of `m` stays in cache for every tile of rows.
#[inline(always)]
fn combine_tiled<V: Vector, H: Vector, const R: usize, const NV: usize>(
    f: Factors<'_>,
    m: &[f32],
    c: &mut [f32],
    dims: Dims,
) {
    let Dims { rows, inner, cols } = dims;
    assert!(m.len() >= inner * cols && c.len() >= rows * cols);
    // The last factor is inside `f.s`, so every factor of the tiles is.
    assert!(
        rows == 0 || inner == 0 || (rows - 1) * f.row_step + (inner - 1) * f.inner_step < f.s.len()
    );
    // Strips as wide as the tile, then one register wide, then one register `H` wide,
    // then one column wide.
    let x = combine_strips::<V, R, NV>(f, m, c, dims, 0);
    let x = combine_strips::<V, R, 1>(f, m, c, dims, x);
    let x = combine_strips::<H, R, 1>(f, m, c, dims, x);
    combine_strips::<f32, R, 1>(f, m, c, dims, x);
}

/// The strips of `NV` registers of columns from column `x` on while they fit; returns
/// the first column left.
#[inline(always)]
fn combine_strips<V: Vector, const R: usize, const NV: usize>(
    f: Factors<'_>,
    m: &[f32],
    c: &mut [f32],
    dims: Dims,
    mut x: usize,
) -> usize {
    let width = NV * V::WIDTH;
    while x + width <= dims.cols {
        let mut r = 0;
        while r + R <= dims.rows {
            combine_tile::<V, R, NV>(f, m, c, dims, r, x);
            r += R;
        }
        for r in r..dims.rows {
            combine_tile::<V, 1, NV>(f, m, c, dims, r, x);
        }
        x += width;
    }
    x
}

/// Rows `r0 .. r0 + R`, columns `x0 .. x0 + NV·width` of a scaled row sum; the caller
/// has checked that they lie inside `c` and `m` and that their factors lie inside `f`.
#[inline(always)]
fn combine_tile<V: Vector, const R: usize, const NV: usize>(
    f: Factors<'_>,
    m: &[f32],
    c: &mut [f32],
    dims: Dims,
    r0: usize,
    x0: usize,
) {
    let Dims { inner, cols, .. } = dims;
    let mut acc = [[V::zero(); NV]; R];
    if f.add {
        for (r, acc_r) in acc.iter_mut().enumerate() {
            let row = &c[(r0 + r) * cols + x0..][..NV * V::WIDTH];
            for (v, chunk) in acc_r.iter_mut().zip(row.chunks_exact(V::WIDTH)) {
                // SAFETY: `chunk` holds `WIDTH` values.
                *v = unsafe { V::load(chunk.as_ptr()) };
            }
        }
    }
    let (s, m) = (f.s.as_ptr(), m.as_ptr());
    for j in 0..inner {
        // SAFETY: the factors of rows `r0 .. r0 + R` lie inside `f.s` (checked by the
        // caller).
        let at: [*const f32; R] =
            array::from_fn(|r| unsafe { s.add((r0 + r) * f.row_step + j * f.inner_step) });
        // All zero, ±0 alike: the sign bit shifted out.
        // SAFETY: as above.
        if at
            .iter()
            .fold(0, |any, &p| any | (unsafe { *p }.to_bits() << 1))
            == 0
        {
            continue;
        }
        // SAFETY: columns `x0 .. x0 + NV·width` of row `j < inner` lie inside `m`.
        let m_j: [V; NV] =
            array::from_fn(|v| unsafe { V::load(m.add(j * cols + x0 + v * V::WIDTH)) });
        for (acc_r, &f_r) in acc.iter_mut().zip(&at) {
            // SAFETY: as above.
            let f_r = unsafe { V::splat_load(f_r) };
            for (a, &m) in acc_r.iter_mut().zip(&m_j) {
                *a = a.add(f_r.mul(m));
            }
        }
    }
    for (r, acc_r) in acc.iter().enumerate() {
        let row = &mut c[(r0 + r) * cols + x0..][..NV * V::WIDTH];
        for (v, chunk) in acc_r.iter().zip(row.chunks_exact_mut(V::WIDTH)) {
            v.store(chunk);
        }
    }
}

/// `c[r, :] = Σ_j lane_r[j] m[j, :]` for the `r`-th of `lanes` (the rows of `a` for
/// [`matmul`], its columns for [`matmul_tn`]), summed in order of `j`, zero terms
/// skipped, starting from `c` itself with `add`: the kernels' order for views that are
/// not contiguous.
fn combine_rows_strided<'a>(
    lanes: impl Iterator<Item = ArrayView1<'a, f32>>,
    m: ArrayView2<'_, f32>,
    mut c: ArrayViewMut2<'_, f32>,
    add: bool,
) {
    for (lane, mut c_row) in lanes.zip(c.rows_mut()) {
        if !add {
            c_row.fill(0.0);
        }
        for (&a_ij, m_row) in lane.iter().zip(m.rows()) {
            if a_ij != 0.0 {
                Zip::from(&mut c_row)
                    .and(m_row)
                    .for_each(|c, &m| *c += a_ij * m);
            }
        }
    }
}

/// The tile sizes per instruction set, and the run-time choice between them natively.
/// Every variant runs the same generic code with a different register type.
mod dispatch {
    use super::vector::{Narrow, Sums};
    #[cfg(target_arch = "x86_64")]
    use super::{affine_blocks, dot_tile, finish, DotKernel, LANES};
    use super::{affine_tiled, combine_tiled, Dims, Factors};
    #[cfg(target_arch = "x86_64")]
    use std::array;

    /// For 128-bit registers (wasm `simd128`, x86-64's SSE2 baseline): sixteen
    /// registers in all (what V8 has on x86-64), eight of them accumulators. Of the
    /// tiles tried in Chromium's engine on 784-256-10 (dot products 2×2, 3×2, 4×1,
    /// 1×4; row sums 4×8, 3×16, 4×12, 2×16, 2×24 columns) these ran fastest.
    pub(super) fn affine_narrow(a: &[f32], w: &[f32], bias: &[f32], z: &mut [f32], dims: Dims) {
        affine_tiled::<Sums, 2, 2>(a, w, bias, z, dims);
    }

    pub(super) fn combine_rows_narrow(f: Factors<'_>, m: &[f32], c: &mut [f32], dims: Dims) {
        combine_tiled::<Narrow, f32, 2, 4>(f, m, c, dims);
    }

    #[cfg(target_arch = "x86_64")]
    mod x86 {
        use super::super::vector::Avx;
        use super::*;

        /// # Safety
        ///
        /// The CPU must support AVX.
        #[target_feature(enable = "avx")]
        pub unsafe fn affine_avx(a: &[f32], w: &[f32], bias: &[f32], z: &mut [f32], dims: Dims) {
            affine_tiled::<Avx, 4, 2>(a, w, bias, z, dims);
        }

        /// # Safety
        ///
        /// The CPU must support AVX.
        #[target_feature(enable = "avx")]
        pub unsafe fn combine_rows_avx(f: Factors<'_>, m: &[f32], c: &mut [f32], dims: Dims) {
            combine_tiled::<Avx, Narrow, 4, 2>(f, m, c, dims);
        }

        /// The AVX-512 kernels, built only by compilers with its intrinsics (`build.rs`).
        #[cfg(bioprop_avx512)]
        #[allow(clippy::incompatible_msrv)]
        mod wide {
            use super::super::super::vector::{Avx, Avx512};
            use super::*;

            /// Dot products with the eight partial sums of two samples side by side in one
            /// 512-bit register: lanes `0..8` for sample `2p`, `8..16` for `2p + 1`, each
            /// chunk of a weight row loaded into both halves. Every partial sum adds the
            /// same terms in the same order as [`dot_tile`] with 8-lane registers.
            #[inline(always)]
            unsafe fn dot_tile_pairs<const C: usize>(
                x: [&[f32]; PAIRED_ROWS],
                y: [&[f32]; C],
            ) -> [[f32; C]; PAIRED_ROWS] {
                use std::arch::x86_64::{
                    _mm256_castps_pd, _mm256_loadu_ps, _mm512_add_ps, _mm512_broadcast_f64x4,
                    _mm512_castpd_ps, _mm512_castps256_ps512, _mm512_castps_pd, _mm512_insertf64x4,
                    _mm512_mul_ps, _mm512_setzero_ps, _mm512_storeu_ps,
                };
                const PAIRS: usize = PAIRED_ROWS / 2;
                let n = x[0].len();
                assert!(x.iter().chain(&y).all(|s| s.len() == n));
                let full = n / LANES * LANES;
                // SAFETY (every intrinsic): the caller checked for AVX-512F.
                let mut sums = [[unsafe { _mm512_setzero_ps() }; C]; PAIRS];
                let mut k = 0;
                while k < full {
                    // SAFETY: every slice holds `n >= k + LANES` values.
                    let xk: [_; PAIRS] = array::from_fn(|p| unsafe {
                        let low = _mm512_castps_pd(_mm512_castps256_ps512(_mm256_loadu_ps(
                            x[2 * p].as_ptr().add(k),
                        )));
                        let high = _mm256_castps_pd(_mm256_loadu_ps(x[2 * p + 1].as_ptr().add(k)));
                        _mm512_insertf64x4::<1>(low, high)
                    });
                    for (c, y_c) in y.iter().enumerate() {
                        // SAFETY: as above.
                        let yk = unsafe {
                            _mm512_castpd_ps(_mm512_broadcast_f64x4(_mm256_castps_pd(
                                _mm256_loadu_ps(y_c.as_ptr().add(k)),
                            )))
                        };
                        for (sums_p, x_p) in sums.iter_mut().zip(&xk) {
                            sums_p[c] = unsafe {
                                _mm512_add_ps(sums_p[c], _mm512_mul_ps(_mm512_castpd_ps(*x_p), yk))
                            };
                        }
                    }
                    k += LANES;
                }
                array::from_fn(|r| {
                    array::from_fn(|c| {
                        let mut tail = 0.0_f32;
                        for (a, b) in x[r][full..].iter().zip(&y[c][full..]) {
                            tail += a * b;
                        }
                        let mut lanes = [0.0_f32; 2 * LANES];
                        // SAFETY: `lanes` holds sixteen values.
                        unsafe { _mm512_storeu_ps(lanes.as_mut_ptr(), sums[r / 2][c]) };
                        let half: &[f32; LANES] = lanes[r % 2 * LANES..][..LANES]
                            .try_into()
                            .expect("eight lanes");
                        finish(half, tail)
                    })
                })
            }

            /// Samples per tile of [`dot_tile_pairs`]: two pairs.
            const PAIRED_ROWS: usize = 4;

            /// # Safety
            ///
            /// The CPU must support AVX-512F.
            #[target_feature(enable = "avx512f")]
            pub unsafe fn affine_avx512(
                a: &[f32],
                w: &[f32],
                bias: &[f32],
                z: &mut [f32],
                dims: Dims,
            ) {
                affine_blocks::<Pairs, PAIRED_ROWS, 8>(a, w, bias, z, dims);
            }

            /// [`dot_tile_pairs`] for full tiles, AVX for the rest. Only
            /// [`affine_avx512`] uses it, after its caller checked for AVX-512F.
            struct Pairs;

            impl<const C: usize> DotKernel<PAIRED_ROWS, C> for Pairs {
                #[inline(always)]
                fn tile(x: [&[f32]; PAIRED_ROWS], y: [&[f32]; C]) -> [[f32; C]; PAIRED_ROWS] {
                    // SAFETY: reached only from `affine_avx512`, whose caller checked for
                    // AVX-512F.
                    unsafe { dot_tile_pairs(x, y) }
                }
                #[inline(always)]
                fn row(x: [&[f32]; 1], y: [&[f32]; C]) -> [[f32; C]; 1] {
                    dot_tile::<Avx, 1, C>(x, y)
                }
                #[inline(always)]
                fn one(x: [&[f32]; 1], y: [&[f32]; 1]) -> [[f32; 1]; 1] {
                    dot_tile::<Avx, 1, 1>(x, y)
                }
            }

            /// # Safety
            ///
            /// The CPU must support AVX-512F.
            #[target_feature(enable = "avx512f")]
            pub unsafe fn combine_rows_avx512(
                f: Factors<'_>,
                m: &[f32],
                c: &mut [f32],
                dims: Dims,
            ) {
                combine_tiled::<Avx512, Avx, 4, 4>(f, m, c, dims);
            }
        }

        #[cfg(bioprop_avx512)]
        pub use wide::{affine_avx512, combine_rows_avx512};
    }

    /// A kernel of [`affine`] on row-major slices.
    #[cfg(test)]
    pub(super) type AffineFn = fn(&[f32], &[f32], &[f32], &mut [f32], Dims);

    /// A kernel of the scaled row sums on row-major slices.
    #[cfg(test)]
    pub(super) type CombineFn = fn(Factors<'_>, &[f32], &mut [f32], Dims);

    /// Every variant of the two kernels this CPU can run, by name, for the tests that
    /// compare their bits.
    #[cfg(test)]
    pub(super) fn variants() -> Vec<(&'static str, AffineFn, CombineFn)> {
        #[allow(unused_mut)]
        let mut all: Vec<(&'static str, AffineFn, CombineFn)> =
            vec![("narrow", affine_narrow, combine_rows_narrow)];
        #[cfg(target_arch = "x86_64")]
        {
            if std::is_x86_feature_detected!("avx") {
                all.push((
                    "avx",
                    // SAFETY: the CPU has AVX.
                    |a, w, b, z, d| unsafe { x86::affine_avx(a, w, b, z, d) },
                    |f, m, c, d| unsafe { x86::combine_rows_avx(f, m, c, d) },
                ));
            }
            #[cfg(bioprop_avx512)]
            if std::is_x86_feature_detected!("avx512f") {
                all.push((
                    "avx512",
                    // SAFETY: the CPU has AVX-512F.
                    |a, w, b, z, d| unsafe { x86::affine_avx512(a, w, b, z, d) },
                    |f, m, c, d| unsafe { x86::combine_rows_avx512(f, m, c, d) },
                ));
            }
        }
        all
    }

    pub fn affine(a: &[f32], w: &[f32], bias: &[f32], z: &mut [f32], dims: Dims) {
        #[cfg(all(target_arch = "x86_64", bioprop_avx512))]
        if std::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU has AVX-512F.
            return unsafe { x86::affine_avx512(a, w, bias, z, dims) };
        }
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx") {
            // SAFETY: the CPU has AVX.
            return unsafe { x86::affine_avx(a, w, bias, z, dims) };
        }
        affine_narrow(a, w, bias, z, dims);
    }

    pub fn combine_rows(f: Factors<'_>, m: &[f32], c: &mut [f32], dims: Dims) {
        #[cfg(all(target_arch = "x86_64", bioprop_avx512))]
        if std::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU has AVX-512F.
            return unsafe { x86::combine_rows_avx512(f, m, c, dims) };
        }
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx") {
            // SAFETY: the CPU has AVX.
            return unsafe { x86::combine_rows_avx(f, m, c, dims) };
        }
        combine_rows_narrow(f, m, c, dims);
    }
}

/// Registers of `f32` lanes with the two operations the kernels need, lane by lane: an
/// add and a multiply, never fused.
mod vector {
    /// A register of [`Vector::WIDTH`] `f32` lanes.
    pub trait Vector: Copy {
        const WIDTH: usize;
        fn zero() -> Self;
        fn splat(v: f32) -> Self;
        /// `splat(*p)`, which some targets do in one instruction.
        ///
        /// # Safety
        ///
        /// `p` must point to a readable value.
        #[inline(always)]
        unsafe fn splat_load(p: *const f32) -> Self {
            // SAFETY: the caller's promise.
            Self::splat(unsafe { *p })
        }
        /// # Safety
        ///
        /// `p` must point to `WIDTH` readable values.
        unsafe fn load(p: *const f32) -> Self;
        /// Writes the lanes to `out[..WIDTH]`.
        fn store(self, out: &mut [f32]);
        fn add(self, other: Self) -> Self;
        fn mul(self, other: Self) -> Self;
    }

    /// One lane: the fallback for targets without a vector type here.
    impl Vector for f32 {
        const WIDTH: usize = 1;
        #[inline(always)]
        fn zero() -> Self {
            0.0
        }
        #[inline(always)]
        fn splat(v: f32) -> Self {
            v
        }
        #[inline(always)]
        unsafe fn load(p: *const f32) -> Self {
            // SAFETY: the caller's promise.
            unsafe { *p }
        }
        #[inline(always)]
        fn store(self, out: &mut [f32]) {
            out[0] = self;
        }
        #[inline(always)]
        fn add(self, other: Self) -> Self {
            self + other
        }
        #[inline(always)]
        fn mul(self, other: Self) -> Self {
            self * other
        }
    }

    /// Two registers used as one of twice the width: lanes `0..W` in the first.
    #[derive(Clone, Copy)]
    pub struct Pair<V>(V, V);

    impl<V: Vector> Vector for Pair<V> {
        const WIDTH: usize = 2 * V::WIDTH;
        #[inline(always)]
        fn zero() -> Self {
            Pair(V::zero(), V::zero())
        }
        #[inline(always)]
        fn splat(v: f32) -> Self {
            Pair(V::splat(v), V::splat(v))
        }
        #[inline(always)]
        unsafe fn load(p: *const f32) -> Self {
            // SAFETY: the caller's promise covers both halves.
            unsafe { Pair(V::load(p), V::load(p.add(V::WIDTH))) }
        }
        #[inline(always)]
        fn store(self, out: &mut [f32]) {
            self.0.store(&mut out[..V::WIDTH]);
            self.1.store(&mut out[V::WIDTH..]);
        }
        #[inline(always)]
        fn add(self, other: Self) -> Self {
            Pair(self.0.add(other.0), self.1.add(other.1))
        }
        #[inline(always)]
        fn mul(self, other: Self) -> Self {
            Pair(self.0.mul(other.0), self.1.mul(other.1))
        }
    }

    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    mod wasm {
        use core::arch::wasm32::{
            f32x4_add, f32x4_mul, f32x4_splat, v128, v128_load, v128_load32_splat, v128_store,
        };

        use super::Vector;

        /// wasm's 128-bit register.
        #[derive(Clone, Copy)]
        pub struct Simd128(v128);

        impl Vector for Simd128 {
            const WIDTH: usize = 4;
            #[inline(always)]
            fn zero() -> Self {
                Simd128(f32x4_splat(0.0))
            }
            #[inline(always)]
            fn splat(v: f32) -> Self {
                Simd128(f32x4_splat(v))
            }
            #[inline(always)]
            unsafe fn splat_load(p: *const f32) -> Self {
                // SAFETY: the caller's promise.
                Simd128(unsafe { v128_load32_splat(p.cast()) })
            }
            #[inline(always)]
            unsafe fn load(p: *const f32) -> Self {
                // SAFETY: the caller's promise; v128_load needs no alignment.
                Simd128(unsafe { v128_load(p.cast()) })
            }
            #[inline(always)]
            fn store(self, out: &mut [f32]) {
                let out = &mut out[..4];
                // SAFETY: `out` holds four values.
                unsafe { v128_store(out.as_mut_ptr().cast(), self.0) }
            }
            #[inline(always)]
            fn add(self, other: Self) -> Self {
                Simd128(f32x4_add(self.0, other.0))
            }
            #[inline(always)]
            fn mul(self, other: Self) -> Self {
                Simd128(f32x4_mul(self.0, other.0))
            }
        }
    }

    #[cfg(target_arch = "x86_64")]
    mod x86 {
        use std::arch::x86_64::{
            __m128, __m256, _mm256_add_ps, _mm256_broadcast_ss, _mm256_loadu_ps, _mm256_mul_ps,
            _mm256_set1_ps, _mm256_setzero_ps, _mm256_storeu_ps, _mm_add_ps, _mm_loadu_ps,
            _mm_mul_ps, _mm_set1_ps, _mm_setzero_ps, _mm_storeu_ps,
        };

        use super::Vector;

        /// SSE's 128-bit register (part of the x86-64 baseline).
        #[derive(Clone, Copy)]
        pub struct Sse(__m128);

        impl Vector for Sse {
            const WIDTH: usize = 4;
            #[inline(always)]
            fn zero() -> Self {
                // SAFETY: SSE2 is part of x86-64.
                Sse(unsafe { _mm_setzero_ps() })
            }
            #[inline(always)]
            fn splat(v: f32) -> Self {
                // SAFETY: as above.
                Sse(unsafe { _mm_set1_ps(v) })
            }
            #[inline(always)]
            unsafe fn load(p: *const f32) -> Self {
                // SAFETY: the caller's promise.
                Sse(unsafe { _mm_loadu_ps(p) })
            }
            #[inline(always)]
            fn store(self, out: &mut [f32]) {
                let out = &mut out[..4];
                // SAFETY: `out` holds four values.
                unsafe { _mm_storeu_ps(out.as_mut_ptr(), self.0) }
            }
            #[inline(always)]
            fn add(self, other: Self) -> Self {
                // SAFETY: as above.
                Sse(unsafe { _mm_add_ps(self.0, other.0) })
            }
            #[inline(always)]
            fn mul(self, other: Self) -> Self {
                // SAFETY: as above.
                Sse(unsafe { _mm_mul_ps(self.0, other.0) })
            }
        }

        /// AVX's 256-bit register. Only code compiled with AVX enabled (the kernels'
        /// `#[target_feature(enable = "avx")]` versions, chosen after a run-time check)
        /// may use it.
        #[derive(Clone, Copy)]
        pub struct Avx(__m256);

        impl Vector for Avx {
            const WIDTH: usize = 8;
            #[inline(always)]
            fn zero() -> Self {
                // SAFETY: only reached from code that checked for AVX.
                Avx(unsafe { _mm256_setzero_ps() })
            }
            #[inline(always)]
            fn splat(v: f32) -> Self {
                // SAFETY: as above.
                Avx(unsafe { _mm256_set1_ps(v) })
            }
            #[inline(always)]
            unsafe fn splat_load(p: *const f32) -> Self {
                // SAFETY: the caller's promise, and as above.
                Avx(unsafe { _mm256_broadcast_ss(&*p) })
            }
            #[inline(always)]
            unsafe fn load(p: *const f32) -> Self {
                // SAFETY: the caller's promise, and as above.
                Avx(unsafe { _mm256_loadu_ps(p) })
            }
            #[inline(always)]
            fn store(self, out: &mut [f32]) {
                let out = &mut out[..8];
                // SAFETY: `out` holds eight values, and as above.
                unsafe { _mm256_storeu_ps(out.as_mut_ptr(), self.0) }
            }
            #[inline(always)]
            fn add(self, other: Self) -> Self {
                // SAFETY: as above.
                Avx(unsafe { _mm256_add_ps(self.0, other.0) })
            }
            #[inline(always)]
            fn mul(self, other: Self) -> Self {
                // SAFETY: as above.
                Avx(unsafe { _mm256_mul_ps(self.0, other.0) })
            }
        }
    }

    #[cfg(target_arch = "x86_64")]
    pub use x86::Avx;

    /// Built only by compilers with the AVX-512 intrinsics (`build.rs`); the
    /// workspace's older `rust-version` builds without them.
    #[cfg(all(target_arch = "x86_64", bioprop_avx512))]
    #[allow(clippy::incompatible_msrv)]
    mod x86_512 {
        use std::arch::x86_64::{
            __m512, _mm512_add_ps, _mm512_loadu_ps, _mm512_mul_ps, _mm512_set1_ps,
            _mm512_setzero_ps, _mm512_storeu_ps,
        };

        use super::Vector;

        /// AVX-512's 512-bit register. Only code compiled with AVX-512F enabled, chosen
        /// after a run-time check, may use it.
        #[derive(Clone, Copy)]
        pub struct Avx512(__m512);

        impl Vector for Avx512 {
            const WIDTH: usize = 16;
            #[inline(always)]
            fn zero() -> Self {
                // SAFETY: only reached from code that checked for AVX-512F.
                Avx512(unsafe { _mm512_setzero_ps() })
            }
            #[inline(always)]
            fn splat(v: f32) -> Self {
                // SAFETY: as above.
                Avx512(unsafe { _mm512_set1_ps(v) })
            }
            #[inline(always)]
            unsafe fn load(p: *const f32) -> Self {
                // SAFETY: the caller's promise, and as above.
                Avx512(unsafe { _mm512_loadu_ps(p) })
            }
            #[inline(always)]
            fn store(self, out: &mut [f32]) {
                let out = &mut out[..16];
                // SAFETY: `out` holds sixteen values, and as above.
                unsafe { _mm512_storeu_ps(out.as_mut_ptr(), self.0) }
            }
            #[inline(always)]
            fn add(self, other: Self) -> Self {
                // SAFETY: as above.
                Avx512(unsafe { _mm512_add_ps(self.0, other.0) })
            }
            #[inline(always)]
            fn mul(self, other: Self) -> Self {
                // SAFETY: as above.
                Avx512(unsafe { _mm512_mul_ps(self.0, other.0) })
            }
        }
    }

    #[cfg(all(target_arch = "x86_64", bioprop_avx512))]
    pub use x86_512::Avx512;

    /// The widest register every build of the target has.
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    pub type Narrow = wasm::Simd128;
    #[cfg(target_arch = "x86_64")]
    pub type Narrow = x86::Sse;
    #[cfg(not(any(
        target_arch = "x86_64",
        all(target_arch = "wasm32", target_feature = "simd128")
    )))]
    pub type Narrow = Pair<Pair<f32>>;

    /// The eight partial sums of a dot product in narrow registers.
    pub type Sums = Pair<Narrow>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, Array1, Array2};

    /// Reference product in f64 by the textbook triple loop.
    fn reference(a: &Array2<f32>, m: &Array2<f32>) -> Array2<f64> {
        Array2::from_shape_fn((a.nrows(), m.ncols()), |(i, j)| {
            (0..a.ncols())
                .map(|k| a[[i, k]] as f64 * m[[k, j]] as f64)
                .sum()
        })
    }

    fn test_matrix(rows: usize, cols: usize, offset: f32) -> Array2<f32> {
        Array2::from_shape_fn((rows, cols), |(i, j)| {
            ((i * 7 + j * 3) % 11) as f32 * 0.25 - 1.2 + offset
        })
    }

    fn assert_close(got: &Array2<f32>, want: &Array2<f64>) {
        assert_eq!(got.dim(), want.dim());
        for (g, w) in got.iter().zip(want) {
            assert!((*g as f64 - w).abs() < 1e-4 * (1.0 + w.abs()), "{g} vs {w}");
        }
    }

    #[test]
    fn dot_matches_hand_value_and_strided_views() {
        // 1·4 + 2·5 + 3·6 = 32
        assert_eq!(
            dot(array![1.0, 2.0, 3.0].view(), array![4.0, 5.0, 6.0].view()),
            32.0
        );
        let x = test_matrix(19, 21, 0.0);
        // A column is a strided view; it must give the same bits as a contiguous copy.
        let col = x.column(3);
        let copy: Array1<f32> = col.to_owned();
        let y = test_matrix(21, 19, 0.3);
        let y_row = y.row(5);
        assert_eq!(dot(col, y_row).to_bits(), dot(copy.view(), y_row).to_bits());
    }

    /// Every register type and tile size the kernels can run with (scalar, 128-bit,
    /// and natively whatever the CPU offers) gives the same bits: the order of the
    /// additions does not depend on them. Sizes leave tails everywhere (93 columns:
    /// one strip of 64, then 16, 8, 4 and 1 left over, so every strip width runs); a
    /// third of the factors are zero, so tiles of zeros get skipped.
    #[test]
    fn every_register_width_gives_the_same_bits() {
        use super::vector::Pair;
        use ndarray::ShapeBuilder;
        type Scalar8 = Pair<Pair<Pair<f32>>>;
        let a = test_matrix(11, 45, 0.1).mapv(|v| if v < -0.5 { 0.0 } else { v });
        let w = test_matrix(19, 45, -0.2);
        let bias = Array1::from_shape_fn(19, |j| j as f32 * 0.25);
        let bits = |m: &Array2<f32>| m.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        let dims = Dims {
            rows: 11,
            inner: 45,
            cols: 19,
        };
        let (a_s, w_s, b_s) = (
            a.as_slice().unwrap(),
            w.as_slice().unwrap(),
            bias.as_slice().unwrap(),
        );
        let mut scalar = Array2::zeros((11, 19));
        affine_tiled::<Scalar8, 1, 1>(a_s, w_s, b_s, scalar.as_slice_mut().unwrap(), dims);
        for (name, kernel, _) in dispatch::variants() {
            let mut z = Array2::zeros((11, 19));
            kernel(a_s, w_s, b_s, z.as_slice_mut().unwrap(), dims);
            assert_eq!(bits(&scalar), bits(&z), "{name}");
        }
        let mut best = Array2::zeros((11, 19));
        affine(a.view(), w.view(), bias.view(), best.view_mut());
        // Column-major output: not contiguous by rows, so the plain loop.
        let mut strided = Array2::zeros((11, 19).f());
        affine(a.view(), w.view(), bias.view(), strided.view_mut());
        assert_eq!(bits(&scalar), bits(&best));
        assert_eq!(bits(&scalar), bits(&strided));

        // c = aᵀ m (gradient) and c = a m (error sent down), both forms of one kernel.
        let m = test_matrix(11, 93, 0.3);
        let factors = Factors {
            s: a_s,
            row_step: 1,
            inner_step: 45,
            add: false,
        };
        let dims = Dims {
            rows: 45,
            inner: 11,
            cols: 93,
        };
        let m_s = m.as_slice().unwrap();
        let mut scalar = Array2::zeros((45, 93));
        combine_tiled::<f32, f32, 1, 1>(factors, m_s, scalar.as_slice_mut().unwrap(), dims);
        for (name, _, kernel) in dispatch::variants() {
            let mut c = Array2::zeros((45, 93));
            kernel(factors, m_s, c.as_slice_mut().unwrap(), dims);
            assert_eq!(bits(&scalar), bits(&c), "{name}");
        }
        let mut best = Array2::zeros((45, 93));
        matmul_tn(a.view(), m.view(), best.view_mut());
        let mut strided = Array2::zeros((45, 93).f());
        matmul_tn(a.view(), m.view(), strided.view_mut());
        assert_eq!(bits(&scalar), bits(&best));
        assert_eq!(bits(&scalar), bits(&strided));
        assert!(scalar.iter().any(|&v| v != 0.0));
    }

    #[test]
    fn products_match_the_textbook_definition() {
        // Sizes that are not multiples of the lane width.
        let a = test_matrix(5, 13, 0.1);
        let w = test_matrix(9, 13, -0.2);
        let bias = Array1::from_shape_fn(9, |j| j as f32 * 0.5);
        let mut z = Array2::zeros((5, 9));
        affine(a.view(), w.view(), bias.view(), z.view_mut());
        let mut want = reference(&a, &w.t().to_owned());
        for mut row in want.rows_mut() {
            row += &bias.mapv(f64::from);
        }
        assert_close(&z, &want);

        let m = test_matrix(13, 6, 0.0);
        let mut c = Array2::from_elem((5, 6), f32::NAN); // overwritten, not accumulated
        matmul(a.view(), m.view(), c.view_mut());
        assert_close(&c, &reference(&a, &m));

        let d = test_matrix(5, 4, 0.7);
        let mut g = Array2::from_elem((4, 13), f32::NAN);
        matmul_tn(d.view(), a.view(), g.view_mut());
        assert_close(&g, &reference(&d.t().to_owned(), &a));
    }

    /// `c ← c + aᵀ m` adds in the same order at every register width, and with one
    /// sample it is the plain rank-one update `c + a m`, bit for bit.
    #[test]
    fn adding_products_in_place() {
        use ndarray::ShapeBuilder;
        let bits = |m: &Array2<f32>| m.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        let a = test_matrix(11, 45, 0.1).mapv(|v| if v < -0.5 { 0.0 } else { v });
        let m = test_matrix(11, 93, 0.3);
        let start = test_matrix(45, 93, -0.4);
        let (a_s, m_s) = (a.as_slice().unwrap(), m.as_slice().unwrap());
        let factors = Factors {
            s: a_s,
            row_step: 1,
            inner_step: 45,
            add: true,
        };
        let dims = Dims {
            rows: 45,
            inner: 11,
            cols: 93,
        };
        let mut scalar = start.clone();
        combine_tiled::<f32, f32, 1, 1>(factors, m_s, scalar.as_slice_mut().unwrap(), dims);
        for (name, _, kernel) in dispatch::variants() {
            let mut c = start.clone();
            kernel(factors, m_s, c.as_slice_mut().unwrap(), dims);
            assert_eq!(bits(&scalar), bits(&c), "{name}");
        }
        let mut best = start.clone();
        matmul_tn_add(a.view(), m.view(), best.view_mut());
        let mut strided = Array2::zeros((45, 93).f());
        strided.assign(&start);
        matmul_tn_add(a.view(), m.view(), strided.view_mut());
        assert_eq!(bits(&scalar), bits(&best));
        assert_eq!(bits(&scalar), bits(&strided));
        let mut want = reference(&a.t().to_owned(), &m);
        want += &start.mapv(f64::from);
        assert_close(&best, &want);

        // One sample: c[j, k] + a[0, j] m[0, k] exactly.
        let (a1, m1) = (a.slice(ndarray::s![..1, ..]), m.slice(ndarray::s![..1, ..]));
        let mut one = start.clone();
        matmul_tn_add(a1, m1, one.view_mut());
        let by_hand =
            Array2::from_shape_fn((45, 93), |(j, k)| start[[j, k]] + a[[0, j]] * m[[0, k]]);
        assert_eq!(bits(&one), bits(&by_hand));
    }
}
