//! "Export": the page's charts as PNG and its diagrams as SVG, for the pages whose
//! figures are all there is to keep (the cerebellum, the microcircuit). One line until
//! opened; both buttons reachable with Tab.

use yew::prelude::*;

use super::download::{save_charts, save_diagrams};

#[derive(Properties, PartialEq)]
pub struct FigureExportProps {
    /// A problem to tell the user about.
    pub on_notice: Callback<String>,
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
    html! {
        <details class="export-panel" data-testid="export-panel">
            <summary>{"Export"}</summary>
            <div class="export-buttons" role="group" aria-label="Export">
                <button type="button" onclick={save("chart", save_charts)}
                    data-testid="export-png">{"Charts (PNG)"}</button>
                <button type="button" onclick={save("diagram", save_diagrams)}
                    data-testid="export-svg">{"Diagrams (SVG)"}</button>
            </div>
        </details>
    }
}
