//! A run's metric history as CSV: the one column layout the command line prints
//! (`bioprop run`) and the page exports ("Export → Metrics (CSV)"), so a file from
//! either reads the same.
//!
//! ```text
//! step,rule,layer,loss,accuracy,update_angle_deg,weight_angle_deg,norm_ratio,
//! sign_concordance,test_loss,test_accuracy,nse,test_nse,batch_loss,apical_energy
//! ```
//!
//! One row per logged step and hidden layer (`layer` = `k`, 1-based); a network with
//! no hidden layer (the delta rule) gets one row per step with an empty `layer`. A
//! value that does not apply (accuracy on a regression, an undefined angle) is an
//! empty cell. `apical_energy` is the microcircuit's `‖v_A‖²` of hidden layer `k`,
//! empty for the networks. The digits add one column, `test_error_pct`,
//! `100 (1 − test_accuracy)`.

use std::fmt::{self, Write};

use crate::metrics::{Evaluation, LayerMetrics, Metrics};

/// The header line, without its newline.
pub const HEADER: &str = "step,rule,layer,loss,accuracy,update_angle_deg,weight_angle_deg,\
norm_ratio,sign_concordance,test_loss,test_accuracy,nse,test_nse,batch_loss,apical_energy";

/// The column the digits add after [`HEADER`].
pub const TEST_ERROR_COLUMN: &str = "test_error_pct";

/// The test error in percent, `100 (1 − accuracy)`.
pub fn test_error_pct(accuracy: Option<f32>) -> Option<f32> {
    accuracy.map(|a| 100.0 * (1.0 - a))
}

/// A value's cell: Rust's shortest round-tripping form, or empty.
fn cell(value: Option<f32>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// Writes the rows of one logged step of the run of `rule`. `apical_energy[k - 1]`
/// fills hidden layer `k`'s last cell; with `test_error`, each row ends with the
/// [`TEST_ERROR_COLUMN`] cell.
///
/// Text, not bytes (`fmt::Write`): the page builds its file in a `String`, and the
/// command line writes the rows it gets to its output.
///
/// # Errors
///
/// Any error of `out` (none for a `String`).
pub fn write_rows(
    out: &mut dyn Write,
    rule: &str,
    row: &Metrics,
    apical_energy: &[f32],
    test_error: bool,
) -> fmt::Result {
    let no_hidden = [LayerMetrics {
        layer: 0,
        update_angle_deg: None,
        weight_angle_deg: None,
        norm_ratio: None,
        sign_concordance: None,
    }];
    let layers = if row.layers.is_empty() {
        &no_hidden[..]
    } else {
        &row.layers[..]
    };
    let Evaluation {
        loss,
        accuracy,
        nse,
    } = row.train;
    for layer in layers {
        let layer_cell = if row.layers.is_empty() {
            String::new()
        } else {
            layer.layer.to_string()
        };
        write!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            row.step,
            rule,
            layer_cell,
            loss,
            cell(accuracy),
            cell(layer.update_angle_deg),
            cell(layer.weight_angle_deg),
            cell(layer.norm_ratio),
            cell(layer.sign_concordance),
            row.test.loss,
            cell(row.test.accuracy),
            cell(nse),
            cell(row.test.nse),
            row.batch_loss,
            cell(
                layer
                    .layer
                    .checked_sub(1)
                    .and_then(|h| apical_energy.get(h).copied())
            ),
        )?;
        if test_error {
            write!(out, ",{}", cell(test_error_pct(row.test.accuracy)))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// The whole CSV of several runs, each `(rule name, history)`, one after the other
/// under one header, as `bioprop run --config` prints a comparison.
pub fn runs_csv<'a>(runs: impl IntoIterator<Item = (&'a str, &'a [Metrics])>) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(out, "{HEADER}");
    for (rule, history) in runs {
        for row in history {
            let _ = write_rows(&mut out, rule, row, &[], false);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(step: u64, layers: Vec<LayerMetrics>) -> Metrics {
        Metrics {
            step,
            batch_loss: 0.5,
            train: Evaluation {
                loss: 0.25,
                accuracy: Some(0.75),
                nse: None,
            },
            test: Evaluation {
                loss: 0.125,
                accuracy: Some(0.5),
                nse: None,
            },
            layers,
        }
    }

    #[test]
    fn one_row_per_hidden_layer_with_empty_cells_where_nothing_applies() {
        let layer = |layer, angle| LayerMetrics {
            layer,
            update_angle_deg: angle,
            weight_angle_deg: Some(45.0),
            norm_ratio: Some(2.0),
            sign_concordance: Some(1.0),
        };
        let csv = runs_csv([(
            "fa",
            &[row(100, vec![layer(1, Some(30.0)), layer(2, None)])][..],
        )]);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], HEADER);
        assert_eq!(lines[1], "100,fa,1,0.25,0.75,30,45,2,1,0.125,0.5,,,0.5,");
        assert_eq!(lines[2], "100,fa,2,0.25,0.75,,45,2,1,0.125,0.5,,,0.5,");
        assert_eq!(lines.len(), 3);
        // Every row has the header's number of cells.
        let columns = HEADER.split(',').count();
        assert!(lines.iter().all(|l| l.split(',').count() == columns));
    }

    #[test]
    fn a_network_without_hidden_layers_gets_one_row_with_an_empty_layer() {
        let mut text = String::new();
        write_rows(&mut text, "delta", &row(0, Vec::new()), &[], true).unwrap();
        // test_error_pct = 100 (1 − 0.5).
        assert_eq!(text, "0,delta,,0.25,0.75,,,,,0.125,0.5,,,0.5,,50\n");
    }

    #[test]
    fn apical_energy_fills_its_hidden_layer() {
        let layers = vec![LayerMetrics {
            layer: 1,
            update_angle_deg: None,
            weight_angle_deg: None,
            norm_ratio: None,
            sign_concordance: None,
        }];
        let mut text = String::new();
        write_rows(&mut text, "microcircuit", &row(3, layers), &[0.5], false).unwrap();
        assert!(text.ends_with(",0.5,0.5\n"));
    }
}
