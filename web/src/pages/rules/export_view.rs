//! The "Export · reproduce" panel: the files a student keeps (metrics CSV, charts
//! PNG, diagram SVG, weights JSON, configuration JSON), the import of a configuration,
//! and what reproduces the runs on screen — the command, and each run's step and
//! weights hash, which `bioprop run --config` prints at the same step.
//!
//! A `<details>` element: closed it is one line, and keyboard users reach every button
//! with Tab. The page's logic is in [`super::export`]; this file only wires it to the
//! browser ([`crate::widgets::download`]).

use bioprop::session::DataIdentity;
use yew::prelude::*;

use super::export::{self, CONFIG_FILE, METRICS_FILE};
use super::settings::Settings;
use super::views::Shared;
use crate::widgets::config_import::ImportConfig;
use crate::widgets::download::{save_charts, save_diagrams, save_text};
use crate::widgets::reproduce::{Reproduce, RunHash};

#[derive(Properties, PartialEq)]
pub struct ExportPanelProps {
    pub shared: Shared,
    pub settings: Settings,
    /// A problem to tell the user about.
    pub on_notice: Callback<String>,
    /// An imported file's name and text, to read.
    pub on_import: Callback<(String, String)>,
    /// Asks the worker for the runs' matrices (it answers with the file).
    pub on_matrices: Callback<()>,
}

#[component]
pub fn ExportPanel(props: &ExportPanelProps) -> Html {
    let runs = props.shared.runs.borrow();
    let digits: Option<DataIdentity> = runs.digits_identity.clone();
    let steps = runs.runs.first().map_or(0, |run| run.snapshot.step);
    let command = export::cli_command(&props.settings, steps, digits.as_ref());

    let notice = props.on_notice.clone();
    let report = move |result: Result<(), String>| {
        if let Err(why) = result {
            notice.emit(format!("export: {why}"));
        }
    };
    let on_csv = {
        let (runs, report) = (props.shared.runs.clone(), report.clone());
        Callback::from(move |_| {
            let csv = export::metrics_csv(&runs.borrow());
            report(save_text(METRICS_FILE, "text/csv", &csv));
        })
    };
    let on_png = {
        let report = report.clone();
        Callback::from(move |_| {
            report(save_charts().and_then(|n| {
                (n > 0).then_some(()).ok_or_else(|| {
                    "no chart is shown (turn on the curves or alignment view)".into()
                })
            }))
        })
    };
    let on_svg = {
        let report = report.clone();
        Callback::from(move |_| {
            report(save_diagrams().and_then(|n| {
                (n > 0)
                    .then_some(())
                    .ok_or_else(|| "no diagram is shown (turn on the network view)".into())
            }))
        })
    };
    let on_weights = props.on_matrices.reform(|_| ());
    let on_config = {
        let (settings, digits, report) = (props.settings.clone(), digits.clone(), report.clone());
        Callback::from(move |_| {
            report(
                export::config_json(&settings, digits.as_ref())
                    .and_then(|json| save_text(CONFIG_FILE, "application/json", &json)),
            )
        })
    };
    html! {
        <details class="export-panel" data-testid="export-panel">
            <summary>{"Export · reproduce"}</summary>
            <div class="export-buttons" role="group" aria-label="Export">
                <button type="button" onclick={on_csv} data-testid="export-csv"
                    title="Every run's logged metrics, in the command line's columns">
                    {"Metrics (CSV)"}</button>
                <button type="button" onclick={on_png} data-testid="export-png">
                    {"Charts (PNG)"}</button>
                <button type="button" onclick={on_svg} data-testid="export-svg">
                    {"Diagrams (SVG)"}</button>
                <button type="button" onclick={on_weights} data-testid="export-weights">
                    {"Weights (JSON)"}</button>
                <button type="button" onclick={on_config} data-testid="export-config">
                    {"Configuration (JSON)"}</button>
                <ImportConfig on_import={props.on_import.clone()}
                    on_notice={props.on_notice.clone()} />
            </div>
            <Reproduce command={command} on_notice={props.on_notice.clone()}
                hashes={runs.runs.iter().map(|run| RunHash {
                    name: run.rule.name().to_owned(),
                    label: format!("step {}", run.hashed_step),
                    step: run.hashed_step,
                    hash: run.weights_hash,
                }).collect::<Vec<_>>()} />
            if runs.changed_mid_run {
                <p class="reproduce-note" data-testid="changed-mid-run">
                    {"A learning rate or B changed while these runs trained; the \
                      configuration sets them from the start. Press reset for runs the \
                      command reproduces."}
                </p>
            }
        </details>
    }
}
