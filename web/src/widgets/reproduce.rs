//! "Reproduce bit for bit" in an export panel: the command that replays what is on
//! screen (`bioprop run --config …`, with a button that copies it), and each run's
//! step and weights hash, which the command prints at the same step. The rules page's
//! panel and the simulation pages' ([`super::figure_export`]) show it alike, with the
//! same test ids.

use yew::prelude::*;

use super::download::copy_text;

/// One run's hash as shown: `name: label, weights hash …`.
#[derive(Clone, Debug, PartialEq)]
pub struct RunHash {
    /// The run's name as the command prints it (`bp`, `microcircuit`).
    pub name: String,
    /// Where the hash was taken, as the page counts (`step 12`, `37 patterns`).
    pub label: String,
    /// The count `--steps` gives to reach it.
    pub step: u64,
    pub hash: u64,
}

#[derive(Properties, PartialEq)]
pub struct ReproduceProps {
    /// The command, in full.
    pub command: AttrValue,
    pub hashes: Vec<RunHash>,
    /// A problem to tell the user about (the clipboard refused).
    pub on_notice: Callback<String>,
}

#[component]
pub fn Reproduce(props: &ReproduceProps) -> Html {
    let on_copy = {
        let (command, notice) = (props.command.clone(), props.on_notice.clone());
        Callback::from(move |_| {
            let notice = notice.clone();
            copy_text(&command, move |done| {
                if let Err(why) = done {
                    notice.emit(format!(
                        "copy: the browser refused the clipboard ({why}); select the command \
                         and copy it"
                    ));
                }
            });
        })
    };
    html! {
        <>
            <p class="reproduce">
                {"Reproduce bit for bit: save the configuration, then run "}
                <code data-testid="cli-command">{props.command.clone()}</code>
                {" "}
                <button type="button" onclick={on_copy} data-testid="copy-command"
                    aria-label="Copy the command">{"Copy"}</button>
            </p>
            <ul class="run-hashes" aria-label="Each run's step and weights hash">
                { for props.hashes.iter().map(|run| {
                    let hash = format!("{:016x}", run.hash);
                    html! {
                        <li data-testid="run-hash" data-rule={run.name.clone()}
                            data-step={run.step.to_string()} data-hash={hash.clone()}>
                            {format!("{}: {}, weights hash ", run.name, run.label)}
                            <code>{hash}</code>
                        </li>
                    }
                }) }
            </ul>
        </>
    }
}
