//! The app's one keyboard map. A plain key press (no Ctrl, Alt or Meta) becomes a
//! [`Shortcut`]; each page maps the shortcuts it has to its own actions and
//! ignores the rest.
//!
//! | key | shortcut |
//! |---|---|
//! | space | play / pause |
//! | `s` | one step (a frame's worth) |
//! | `r` | reset |
//! | `t` | target on / off (microcircuit) |
//! | `p` | presentation mode on / off (rules page) |
//! | `n` | a new problem (exercise) |
//! | `h` | the next hint (exercise) |
//! | PageDown, →, ↓ | next (a page with a sequence, e.g. a lecture tour) |
//! | PageUp, ←, ↑ | previous |
//!
//! A form control with keyboard focus keeps its own keys: a text field, number
//! field, list or editable text keeps every key; a button, checkbox or slider
//! keeps the keys it acts on (space and Enter; a slider also the arrows and
//! PageUp/PageDown), so a control reached by Tab works as it natively does while
//! `s` or `r` still reach the page.
//!
//! A control focused by a pointer (clicked or tapped) keeps only typing: a button,
//! checkbox, slider or list that was clicked leaves every key to the page, so a
//! lecturer who ticks a rule or picks a task with the mouse and then presses space
//! starts training, and the clicked control stays as it was set. Whether focus came
//! from a pointer is remembered when the element receives it: a pointer press since
//! the last key press means a pointer moved it.

use std::cell::Cell;
use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// What a key asks of the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortcut {
    TogglePlay,
    Step,
    Reset,
    ToggleTarget,
    TogglePresent,
    /// The exercise's next problem.
    NewProblem,
    /// The exercise's next hint.
    Hint,
    Next,
    Previous,
}

/// What has keyboard focus when a key is pressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    /// The page itself (no form control).
    Page,
    /// A control that takes typed text or a choice from a list: every key is its own.
    TextEntry,
    /// A button, checkbox or radio button: space and Enter are its own.
    Button,
    /// A slider: space, Enter, the arrows and PageUp/PageDown are its own.
    Slider,
}

impl Focus {
    /// Classifies an element by its tag (upper case, as the DOM gives it), its `type`
    /// attribute (for `INPUT`) and whether it is editable text.
    pub fn of(tag: &str, input_type: &str, content_editable: bool) -> Focus {
        if content_editable {
            return Focus::TextEntry;
        }
        match tag {
            "TEXTAREA" | "SELECT" => Focus::TextEntry,
            "BUTTON" | "SUMMARY" => Focus::Button,
            "INPUT" => match input_type.to_ascii_lowercase().as_str() {
                "button" | "submit" | "reset" | "checkbox" | "radio" | "color" | "file"
                | "image" => Focus::Button,
                "range" => Focus::Slider,
                _ => Focus::TextEntry,
            },
            _ => Focus::Page,
        }
    }

    /// As [`Focus::of`], for an element that a pointer focused: only a field that
    /// takes typed text keeps its keys; a button, checkbox, slider or list (`SELECT`)
    /// leaves them to the page.
    pub fn of_pointer(tag: &str, input_type: &str, content_editable: bool) -> Focus {
        match Focus::of(tag, input_type, content_editable) {
            Focus::TextEntry if tag != "SELECT" => Focus::TextEntry,
            _ => Focus::Page,
        }
    }

    /// Whether the focused control acts on `key` itself.
    fn owns(self, key: &str) -> bool {
        match self {
            Focus::Page => false,
            Focus::TextEntry => true,
            Focus::Button => matches!(key, " " | "Enter"),
            Focus::Slider => matches!(
                key,
                " " | "Enter"
                    | "ArrowLeft"
                    | "ArrowRight"
                    | "ArrowUp"
                    | "ArrowDown"
                    | "PageUp"
                    | "PageDown"
                    | "Home"
                    | "End"
            ),
        }
    }
}

/// The shortcut of a key press: `key` as `KeyboardEvent.key` names it, `modified`
/// when Ctrl, Alt or Meta is held, `focus` what has keyboard focus.
pub fn shortcut(key: &str, modified: bool, focus: Focus) -> Option<Shortcut> {
    if modified || focus.owns(key) {
        return None;
    }
    match key {
        " " => Some(Shortcut::TogglePlay),
        "s" | "S" => Some(Shortcut::Step),
        "r" | "R" => Some(Shortcut::Reset),
        "t" | "T" => Some(Shortcut::ToggleTarget),
        "p" | "P" => Some(Shortcut::TogglePresent),
        "n" | "N" => Some(Shortcut::NewProblem),
        "h" | "H" => Some(Shortcut::Hint),
        "PageDown" | "ArrowRight" | "ArrowDown" => Some(Shortcut::Next),
        "PageUp" | "ArrowLeft" | "ArrowUp" => Some(Shortcut::Previous),
        _ => None,
    }
}

/// Listens on the document for key presses for as long as the calling component
/// lives. `map` turns a shortcut into one of the page's actions, or `None` for a
/// shortcut the page does not have (its key then keeps its default, e.g. an arrow
/// scrolling the page); a mapped key's default is prevented.
///
/// Returns the same mapping as a callback, for buttons that stand for keys (the
/// embed bar's play, step and reset).
#[hook]
pub fn use_shortcuts<A: 'static>(
    map: fn(Shortcut) -> Option<A>,
    on_action: Callback<A>,
) -> Callback<Shortcut> {
    let pressed = Callback::from({
        let on_action = on_action.clone();
        move |shortcut| {
            if let Some(action) = map(shortcut) {
                on_action.emit(action);
            }
        }
    });
    // The newest callback, so the listener never acts on stale page state.
    let handler = use_mut_ref(|| on_action.clone());
    *handler.borrow_mut() = on_action;
    use_effect_with((), move |_| {
        let document = gloo::utils::document();
        // Whether a pointer was pressed since the last key press, and so whether
        // the element that last received focus got it from a pointer.
        let pointer_since_key = Rc::new(Cell::new(false));
        let focus_by_pointer = Rc::new(Cell::new(false));
        // Capture: a control may stop the press from bubbling.
        let capture = EventListenerOptions::run_in_capture_phase();
        let pointer = {
            let pointer_since_key = pointer_since_key.clone();
            EventListener::new_with_options(&document, "pointerdown", capture, move |_| {
                pointer_since_key.set(true)
            })
        };
        let focus = {
            let pointer_since_key = pointer_since_key.clone();
            let focus_by_pointer = focus_by_pointer.clone();
            EventListener::new_with_options(&document, "focusin", capture, move |_| {
                focus_by_pointer.set(pointer_since_key.get())
            })
        };
        // Not passive: a mapped key's default must be preventable.
        let options = EventListenerOptions::enable_prevent_default();
        let keys = EventListener::new_with_options(&document, "keydown", options, move |event| {
            let Some(event) = event.dyn_ref::<web_sys::KeyboardEvent>() else {
                return;
            };
            pointer_since_key.set(false);
            let modified = event.ctrl_key() || event.meta_key() || event.alt_key();
            let focus = focus_of(event, focus_by_pointer.get());
            let action = shortcut(&event.key(), modified, focus).and_then(map);
            if let Some(action) = action {
                // Also keeps a clicked checkbox or button from acting on the key.
                event.prevent_default();
                handler.borrow().emit(action);
            }
        });
        move || drop((pointer, focus, keys))
    });
    pressed
}

/// What the key press is aimed at; `by_pointer` when a pointer gave it focus.
fn focus_of(event: &web_sys::KeyboardEvent, by_pointer: bool) -> Focus {
    let Some(element) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return Focus::Page;
    };
    let input_type = element.get_attribute("type").unwrap_or_default();
    let classify = if by_pointer {
        Focus::of_pointer
    } else {
        Focus::of
    };
    classify(
        &element.tag_name(),
        &input_type,
        element.is_content_editable(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_gets_every_key_of_the_map() {
        let on_page = |key| shortcut(key, false, Focus::Page);
        assert_eq!(on_page(" "), Some(Shortcut::TogglePlay));
        assert_eq!(on_page("s"), Some(Shortcut::Step));
        assert_eq!(on_page("S"), Some(Shortcut::Step));
        assert_eq!(on_page("r"), Some(Shortcut::Reset));
        assert_eq!(on_page("R"), Some(Shortcut::Reset));
        assert_eq!(on_page("t"), Some(Shortcut::ToggleTarget));
        assert_eq!(on_page("p"), Some(Shortcut::TogglePresent));
        assert_eq!(on_page("P"), Some(Shortcut::TogglePresent));
        assert_eq!(on_page("n"), Some(Shortcut::NewProblem));
        assert_eq!(on_page("H"), Some(Shortcut::Hint));
        for key in ["n", "h", "s", "PageDown"] {
            assert_eq!(
                shortcut(key, false, Focus::of("INPUT", "text", false)),
                None,
                "typing {key} in an answer field"
            );
        }
        assert_eq!(
            shortcut("p", false, Focus::of("INPUT", "text", false)),
            None,
            "typing p"
        );
        for key in ["PageDown", "ArrowRight", "ArrowDown"] {
            assert_eq!(on_page(key), Some(Shortcut::Next), "{key}");
        }
        for key in ["PageUp", "ArrowLeft", "ArrowUp"] {
            assert_eq!(on_page(key), Some(Shortcut::Previous), "{key}");
        }
        for key in ["x", "Enter", "Tab", "Escape", "1"] {
            assert_eq!(on_page(key), None, "{key}");
        }
    }

    #[test]
    fn a_modifier_leaves_the_key_to_the_browser() {
        for key in [" ", "s", "r", "PageDown"] {
            assert_eq!(shortcut(key, true, Focus::Page), None, "{key}");
        }
    }

    #[test]
    fn a_focused_control_keeps_the_keys_it_acts_on() {
        let text = Focus::of("INPUT", "text", false);
        assert_eq!(text, Focus::TextEntry);
        assert_eq!(Focus::of("INPUT", "", false), Focus::TextEntry);
        assert_eq!(Focus::of("INPUT", "number", false), Focus::TextEntry);
        assert_eq!(Focus::of("SELECT", "", false), Focus::TextEntry);
        assert_eq!(Focus::of("TEXTAREA", "", false), Focus::TextEntry);
        assert_eq!(Focus::of("DIV", "", true), Focus::TextEntry);
        for key in [" ", "s", "r", "t", "ArrowRight", "PageUp"] {
            assert_eq!(shortcut(key, false, text), None, "typing {key:?}");
        }

        for button in [
            Focus::of("BUTTON", "", false),
            Focus::of("INPUT", "checkbox", false),
            Focus::of("INPUT", "Radio", false),
        ] {
            assert_eq!(button, Focus::Button);
            assert_eq!(
                shortcut(" ", false, button),
                None,
                "space presses the button"
            );
            assert_eq!(shortcut("Enter", false, button), None);
            // A clicked button keeps focus; the letters still reach the page.
            assert_eq!(shortcut("s", false, button), Some(Shortcut::Step));
            assert_eq!(shortcut("r", false, button), Some(Shortcut::Reset));
            assert_eq!(shortcut("ArrowRight", false, button), Some(Shortcut::Next));
        }

        let slider = Focus::of("INPUT", "range", false);
        assert_eq!(slider, Focus::Slider);
        for key in [
            " ",
            "ArrowLeft",
            "ArrowRight",
            "ArrowUp",
            "ArrowDown",
            "PageUp",
        ] {
            assert_eq!(
                shortcut(key, false, slider),
                None,
                "the slider moves on {key}"
            );
        }
        assert_eq!(shortcut("s", false, slider), Some(Shortcut::Step));

        assert_eq!(Focus::of("BODY", "", false), Focus::Page);
        assert_eq!(Focus::of("A", "", false), Focus::Page);
    }

    #[test]
    fn a_control_clicked_with_a_pointer_leaves_space_to_the_page() {
        for (tag, input_type) in [
            ("BUTTON", ""),
            ("INPUT", "checkbox"),
            ("INPUT", "radio"),
            ("INPUT", "range"),
            ("SELECT", ""),
        ] {
            let focus = Focus::of_pointer(tag, input_type, false);
            assert_eq!(focus, Focus::Page, "{tag} {input_type}");
            assert_eq!(shortcut(" ", false, focus), Some(Shortcut::TogglePlay));
        }
        // Typing goes on where the pointer put the caret.
        for (tag, input_type, editable) in [
            ("INPUT", "text", false),
            ("INPUT", "number", false),
            ("TEXTAREA", "", false),
            ("DIV", "", true),
        ] {
            let focus = Focus::of_pointer(tag, input_type, editable);
            assert_eq!(focus, Focus::TextEntry, "{tag} {input_type}");
            assert_eq!(shortcut(" ", false, focus), None);
        }
    }
}
