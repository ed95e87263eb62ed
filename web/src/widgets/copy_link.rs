//! A button that copies the page's address — which holds the page's settings — to
//! the clipboard, so a lecturer can hand the class exactly what is on the screen.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CopyLinkProps {
    /// What the link names, for the button's tooltip ("Copy a link to …").
    pub title: AttrValue,
}

/// Copies the page's address to the clipboard and says whether the browser allowed it.
#[component]
pub fn CopyLink(props: &CopyLinkProps) -> Html {
    // None: not pressed; then whether the browser let the link be copied.
    let copied = use_state(|| None::<bool>);
    let onclick = {
        let copied = copied.clone();
        Callback::from(move |_| {
            let href = gloo::utils::window().location().href().unwrap_or_default();
            let copied = copied.clone();
            super::download::copy_text(&href, move |done| copied.set(Some(done.is_ok())));
        })
    };
    html! {
        <button data-testid="copy-link" {onclick} title={props.title.clone()}>
            { match *copied {
                None => "Copy link",
                Some(true) => "Link copied",
                // The address bar holds the same link.
                Some(false) => "Copy refused: copy the address bar",
            } }
        </button>
    }
}
