//! The matrix products of a training step, written out so that they allocate nothing
//! and add in one fixed order on every platform.
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
//! summed in a fixed order with separate multiplies and adds (Rust never fuses them),
//! which makes a run bit-identical everywhere. Feedback alignment with `B := Wᵀ` and
//! backprop go through the same kernel, so they agree bit for bit.
//!
//! Terms whose scalar factor is exactly zero are skipped: ReLU units, one-hot targets
//! and blank digit pixels make many such zeros, and skipping them changes no value.

use ndarray::{ArrayView1, ArrayView2, ArrayViewMut2, Zip};

/// Lanes of the dot product's accumulator: wide enough for the compiler to use SIMD
/// registers, and a fixed summation order on every target.
const LANES: usize = 8;

/// `Σ_i x_i y_i`, accumulated in eight interleaved partial sums that are then added
/// pairwise.
///
/// # Panics
///
/// In debug builds, if the lengths differ.
#[inline]
pub fn dot(x: ArrayView1<'_, f32>, y: ArrayView1<'_, f32>) -> f32 {
    debug_assert_eq!(x.len(), y.len());
    let mut acc = [0.0_f32; LANES];
    let mut tail = 0.0_f32;
    if let (Some(x), Some(y)) = (x.as_slice(), y.as_slice()) {
        let full = x.len() / LANES * LANES;
        for (xs, ys) in x[..full]
            .chunks_exact(LANES)
            .zip(y[..full].chunks_exact(LANES))
        {
            for lane in 0..LANES {
                acc[lane] += xs[lane] * ys[lane];
            }
        }
        for (a, b) in x[full..].iter().zip(&y[full..]) {
            tail += a * b;
        }
    } else {
        // Strided views: the same order as above, element by element.
        let n = x.len();
        let full = n / LANES * LANES;
        for i in 0..full {
            acc[i % LANES] += x[i] * y[i];
        }
        for i in full..n {
            tail += x[i] * y[i];
        }
    }
    ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7])) + tail
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
    for (a_row, mut z_row) in a.rows().into_iter().zip(z.rows_mut()) {
        for ((z_ij, w_row), &b_j) in z_row.iter_mut().zip(w.rows()).zip(bias.iter()) {
            *z_ij = dot(a_row, w_row) + b_j;
        }
    }
}

/// `c ← a m`, i.e. `c[i, :] = Σ_j a[i, j] m[j, :]`.
///
/// # Shapes
///
/// `a: (b, n)`, `m: (n, p)`, `c: (b, p)`.
pub fn matmul(a: ArrayView2<'_, f32>, m: ArrayView2<'_, f32>, c: ArrayViewMut2<'_, f32>) {
    debug_assert_eq!(a.ncols(), m.nrows());
    debug_assert_eq!(c.dim(), (a.nrows(), m.ncols()));
    combine_rows(a.rows().into_iter(), m, c);
}

/// `c ← aᵀ m`, i.e. `c[j, :] = Σ_i a[i, j] m[i, :]`: the weight gradient `Δᵀ A` summed
/// (not averaged) over the `b` samples.
///
/// # Shapes
///
/// `a: (b, n)`, `m: (b, p)`, `c: (n, p)`.
pub fn matmul_tn(a: ArrayView2<'_, f32>, m: ArrayView2<'_, f32>, c: ArrayViewMut2<'_, f32>) {
    debug_assert_eq!(a.nrows(), m.nrows());
    debug_assert_eq!(c.dim(), (a.ncols(), m.ncols()));
    combine_rows(a.columns().into_iter(), m, c);
}

/// `c[r, :] = Σ_j lane_r[j] m[j, :]` for the `r`-th of `lanes` (the rows of `a` for
/// [`matmul`], its columns for [`matmul_tn`]), summed in order of `j`, zero terms
/// skipped: the one kernel of both products.
fn combine_rows<'a>(
    lanes: impl Iterator<Item = ArrayView1<'a, f32>>,
    m: ArrayView2<'_, f32>,
    mut c: ArrayViewMut2<'_, f32>,
) {
    for (lane, mut c_row) in lanes.zip(c.rows_mut()) {
        c_row.fill(0.0);
        for (&a_ij, m_row) in lane.iter().zip(m.rows()) {
            if a_ij != 0.0 {
                Zip::from(&mut c_row)
                    .and(m_row)
                    .for_each(|c, &m| *c += a_ij * m);
            }
        }
    }
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
}
