//! "Export" on the simulation pages (the cerebellum, the microcircuit) and the exercise
//! (its diagram, and its own files through `extra`): the page's
//! charts as PNG and its diagrams as SVG, and, through `on_data`, the files the worker
//! writes (the metrics in the command line's columns, the weights, the configuration;
//! `shell::sim_worker::ExportKind`), and below them what the page puts in (the command
//! that reproduces the run, [`super::reproduce`]), and the import of a configuration
//! ([`super::config_import`]). One line until opened; every button
//! reachable with Tab. The rules page has its own panel (`pages/rules/export_view.rs`) with the
//! same buttons and test ids.

use yew::prelude::*;

use super::config_import::ImportConfig;
use super::download::{save_charts, save_diagrams};
use crate::shell::sim_worker::ExportKind;

#[derive(Properties, PartialEq)]
pub struct FigureExportProps {
    /// A problem to tell the user about.
    pub on_notice: Callback<String>,
    /// Asks the worker for a file (it comes back to the page, which saves it).
    #[prop_or_default]
    pub on_data: Option<Callback<ExportKind>>,
    /// Whether the page has charts to save as PNG (the exercise has none).
    #[prop_or(true)]
    pub charts: bool,
    /// The page's own buttons, after the shared ones (the exercise's problem and
    /// answers).
    #[prop_or_default]
    pub extra: Html,
    /// Reads an imported configuration file (its name and text); the picker is shown
    /// when given.
    #[prop_or_default]
    pub on_import: Option<Callback<(String, String)>>,
    /// Shown under the buttons: how to reproduce the run.
    #[prop_or_default]
    pub children: Html,
}

#[component]
pub fn FigureExport(props: &FigureExportProps) -> Html {
    let save = |what: &'static str, saver: fn() -> Result<usize, String>| {
        let notice = props.on_notice.clone();
        Callback::from(move |_: MouseEvent| match saver() {
            Ok(0) => notice.emit(format!("export: no {what} is shown")),
            Ok(_) => {}
            Err(why) => notice.emit(format!("export: {why}")),
        })
    };
    let data = |kind: ExportKind, testid: &'static str, label: &'static str| {
        props.on_data.as_ref().map(|on_data| {
            html! {
                <button type="button" onclick={on_data.reform(move |_: MouseEvent| kind)}
                    data-testid={testid}>{label}</button>
            }
        })
    };
    html! {
        <details class="export-panel" data-testid="export-panel">
            <summary>{"Export"}</summary>
            <div class="export-buttons" role="group" aria-label="Export">
                { data(ExportKind::Metrics, "export-csv", "Metrics (CSV)") }
                if props.charts {
                    <button type="button" onclick={save("chart", save_charts)}
                        data-testid="export-png">{"Charts (PNG)"}</button>
                }
                <button type="button" onclick={save("diagram", save_diagrams)}
                    data-testid="export-svg">{"Diagrams (SVG)"}</button>
                { data(ExportKind::Weights, "export-weights", "Weights (JSON)") }
                { data(ExportKind::Config, "export-config", "Configuration (JSON)") }
                { props.extra.clone() }
                if let Some(on_import) = props.on_import.clone() {
                    <ImportConfig {on_import} on_notice={props.on_notice.clone()} />
                }
            </div>
            { props.children.clone() }
        </details>
    }
}
