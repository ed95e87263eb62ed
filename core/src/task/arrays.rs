//! The `arrays` task: user-supplied data, checked once by [`Dataset::from_arrays`].
//!
//! The data must already follow the [`Dataset`] conventions (samples in rows; one-hot
//! targets with one column per class when classifying), so that training can assume
//! valid shapes.

use ndarray::Array2;

use super::{Dataset, OutputKind, TaskError};

impl Dataset {
    /// Wraps user-supplied arrays as a dataset after checking, in this order: a
    /// classification has at least 2 classes; no array is empty; inputs and targets
    /// have the same number of samples; the test arrays have the training arrays'
    /// columns; classification targets have one column per class; every value is
    /// finite; classification targets are one-hot.
    ///
    /// # Errors
    ///
    /// The first check that fails, naming the array and the sizes involved.
    pub fn from_arrays(
        output: OutputKind,
        train_inputs: Array2<f32>,
        train_targets: Array2<f32>,
        test_inputs: Array2<f32>,
        test_targets: Array2<f32>,
    ) -> Result<Dataset, TaskError> {
        if let OutputKind::Classification { classes } = output {
            if classes < 2 {
                return Err(TaskError::TooFewClasses { got: classes });
            }
        }
        let named = [
            ("train_inputs", &train_inputs),
            ("train_targets", &train_targets),
            ("test_inputs", &test_inputs),
            ("test_targets", &test_targets),
        ];
        for (array, values) in named {
            let (rows, cols) = values.dim();
            if rows == 0 || cols == 0 {
                return Err(TaskError::Empty { array, rows, cols });
            }
        }
        for [(inputs, x), (targets, y)] in [[named[0], named[1]], [named[2], named[3]]] {
            if x.nrows() != y.nrows() {
                return Err(TaskError::SampleCount {
                    inputs,
                    input_rows: x.nrows(),
                    targets,
                    target_rows: y.nrows(),
                });
            }
        }
        for [(reference, train), (array, test)] in [[named[0], named[2]], [named[1], named[3]]] {
            if train.ncols() != test.ncols() {
                return Err(TaskError::ColumnCount {
                    array,
                    got: test.ncols(),
                    reference,
                    expected: train.ncols(),
                });
            }
        }
        if let OutputKind::Classification { classes } = output {
            if train_targets.ncols() != classes {
                return Err(TaskError::ClassColumns {
                    array: "train_targets",
                    got: train_targets.ncols(),
                    classes,
                });
            }
        }
        for (array, values) in named {
            if let Some(((row, col), &value)) = values.indexed_iter().find(|(_, v)| !v.is_finite())
            {
                return Err(TaskError::NotFinite {
                    array,
                    row,
                    col,
                    value,
                });
            }
        }
        if let OutputKind::Classification { .. } = output {
            for (array, targets) in [named[1], named[3]] {
                let one_hot = |row: ndarray::ArrayView1<f32>| {
                    row.iter().all(|&v| v == 0.0 || v == 1.0)
                        && row.iter().filter(|&&v| v == 1.0).count() == 1
                };
                if let Some(row) = targets.rows().into_iter().position(|r| !one_hot(r)) {
                    return Err(TaskError::NotOneHot { array, row });
                }
            }
        }
        Ok(Dataset {
            output,
            train_inputs,
            train_targets,
            test_inputs,
            test_targets,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    const TWO: OutputKind = OutputKind::Classification { classes: 2 };

    /// Three training and two test samples of 2 features, classes one-hot.
    fn parts() -> [Array2<f32>; 4] {
        [
            array![[0.0, 1.0], [1.0, 0.5], [-1.0, 2.0]],
            array![[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]],
            array![[0.5, 0.5], [2.0, -3.0]],
            array![[0.0, 1.0], [0.0, 1.0]],
        ]
    }

    fn check(output: OutputKind, [a, b, c, d]: [Array2<f32>; 4]) -> Result<Dataset, String> {
        Dataset::from_arrays(output, a, b, c, d).map_err(|e| e.to_string())
    }

    #[test]
    fn accepts_consistent_arrays() {
        let data = check(TWO, parts()).unwrap();
        assert_eq!((data.input_size(), data.output_size()), (2, 2));
        assert_eq!((data.train_size(), data.test_size()), (3, 2));
        // Regression takes any finite targets.
        let [a, _, c, _] = parts();
        let regression = [a, array![[0.3], [-7.0], [2.5]], c, array![[1.0], [0.0]]];
        assert!(check(OutputKind::Regression, regression).is_ok());
    }

    #[test]
    fn rejects_mismatched_sample_counts() {
        let [a, _, c, d] = parts();
        let err = check(TWO, [a, array![[1.0, 0.0], [0.0, 1.0]], c, d]).unwrap_err();
        assert_eq!(err, "train_inputs has 3 samples but train_targets has 2");
        let [a, b, _, d] = parts();
        let err = check(TWO, [a, b, array![[0.0, 0.0]], d]).unwrap_err();
        assert_eq!(err, "test_inputs has 1 samples but test_targets has 2");
    }

    #[test]
    fn rejects_mismatched_columns() {
        let [a, b, _, d] = parts();
        let err = check(TWO, [a, b, array![[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]], d]).unwrap_err();
        assert_eq!(err, "test_inputs has 3 columns but train_inputs has 2");
        let [a, b, c, _] = parts();
        let err = check(TWO, [a, b, c, array![[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]]).unwrap_err();
        assert_eq!(err, "test_targets has 3 columns but train_targets has 2");
        let err = check(OutputKind::Classification { classes: 3 }, parts()).unwrap_err();
        assert!(
            err.starts_with("train_targets has 2 columns but the output has 3 classes"),
            "{err}"
        );
    }

    #[test]
    fn rejects_empty_arrays_and_too_few_classes() {
        let [a, b, _, _] = parts();
        let err = check(TWO, [a, b, Array2::zeros((0, 2)), Array2::zeros((0, 2))]).unwrap_err();
        assert!(err.starts_with("test_inputs is empty (shape 0x2)"), "{err}");
        let [_, b, c, d] = parts();
        let err = check(TWO, [Array2::zeros((3, 0)), b, c, d]).unwrap_err();
        assert!(
            err.starts_with("train_inputs is empty (shape 3x0)"),
            "{err}"
        );
        let err = check(OutputKind::Classification { classes: 1 }, parts()).unwrap_err();
        assert_eq!(
            err,
            "a classification output needs at least 2 classes, got 1"
        );
    }

    #[test]
    fn rejects_non_finite_values_by_position() {
        let [mut a, b, c, d] = parts();
        a[[2, 1]] = f32::NAN;
        let err = check(TWO, [a, b, c, d]).unwrap_err();
        assert_eq!(err, "train_inputs[2, 1] is NaN: every value must be finite");
        let [a, b, mut c, d] = parts();
        c[[0, 0]] = f32::NEG_INFINITY;
        let err = check(TWO, [a, b, c, d]).unwrap_err();
        assert_eq!(err, "test_inputs[0, 0] is -inf: every value must be finite");
    }

    #[test]
    fn rejects_targets_that_are_not_one_hot() {
        for bad in [[0.5, 0.5], [1.0, 1.0], [0.0, 0.0], [2.0, -1.0]] {
            let [a, mut b, c, d] = parts();
            b.row_mut(1).assign(&ndarray::arr1(&bad));
            let err = check(TWO, [a, b, c, d]).unwrap_err();
            assert!(
                err.starts_with("train_targets row 1 is not one-hot"),
                "{bad:?}: {err}"
            );
        }
        let [a, b, c, mut d] = parts();
        d[[1, 0]] = 1.0;
        let err = check(TWO, [a, b, c, d]).unwrap_err();
        assert!(
            err.starts_with("test_targets row 1 is not one-hot"),
            "{err}"
        );
    }
}
