//! A button that copies the page's address — which holds the page's settings — to
//! the clipboard, so a lecturer can hand the class exactly what is on the screen.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CopyLinkProps {
    /// What the link names, for the button's tooltip ("Copy a link to …").
    pub title: AttrValue,
}

/// Copies the page's address to the clipboard and says so.
#[component]
pub fn CopyLink(props: &CopyLinkProps) -> Html {
    let copied = use_state(|| false);
    let onclick = {
        let copied = copied.clone();
        Callback::from(move |_| {
            let window = gloo::utils::window();
            let href = window.location().href().unwrap_or_default();
            let _ = window.navigator().clipboard().write_text(&href);
            copied.set(true);
        })
    };
    html! {
        <button data-testid="copy-link" {onclick} title={props.title.clone()}>
            { if *copied { "Link copied" } else { "Copy link" } }
        </button>
    }
}
