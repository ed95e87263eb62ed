//! The play/pause button every page shares, so it reads and sounds the same on all
//! three: "▶ Play" or "Pause" on screen, named "Play" or "Pause" for a screen reader
//! (the triangle is decoration and hidden from it), space as its shortcut.

use yew::prelude::*;

#[derive(Properties, Clone, PartialEq)]
pub struct PlayButtonProps {
    pub playing: bool,
    pub onclick: Callback<MouseEvent>,
}

#[component]
pub fn PlayButton(props: &PlayButtonProps) -> Html {
    html! {
        <button data-testid="play" class="primary" title="Play or pause (space)"
            onclick={props.onclick.clone()}>
            if props.playing {
                {"Pause"}
            } else {
                <span aria-hidden="true">{"▶ "}</span>{"Play"}
            }
        </button>
    }
}

/// Whether the viewer asked the system for reduced motion: pages then draw no
/// travelling markers (the stylesheet also stops every CSS animation and transition).
pub fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|query| query.matches())
}
